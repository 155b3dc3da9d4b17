"""The producer corpus: the form as Chromium, LibreOffice Writer, fillable-PDF
tools and scanners make it, with the ground truth of every field.

``python -m sample_forms.producers`` regenerates it (see ``__main__``);
``expected.json`` here lists every file, its producer and its values.
"""
