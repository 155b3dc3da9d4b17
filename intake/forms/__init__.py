"""The form the service publishes: the blank, fillable authorisation form.

- :mod:`intake.forms.blank` lays the form out from the field table and the
  reader's labels, and returns its PDF bytes;
- :mod:`intake.forms.drawing` is the little PDF writer it draws with (the
  standard fonts, text, rules and boxes, and the fillable widgets).
"""
