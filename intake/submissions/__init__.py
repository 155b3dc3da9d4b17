"""Submissions: a file accepted at any door (stored, then recorded), its
requests and references, status links, and the read side the pages and the
API show.

- :mod:`intake.submissions.services` — accept a file; make references.
- :mod:`intake.submissions.queries` — requests as the API and pages show them.
- :mod:`intake.submissions.models` — submissions, requests, status links.
"""
