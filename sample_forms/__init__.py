"""Sample authorisation forms, their directory and their expected outcomes.

``python -m sample_forms.generate [OUTDIR]`` rewrites the corpus; see
``expected.json`` for what the service must make of each file. The forms
as other producers make them (Chromium, LibreOffice Writer, fillable PDFs,
scans) are in ``producers/``: ``python -m sample_forms.producers``.
"""
