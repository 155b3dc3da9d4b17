"""The doors that are not the web or the command line: the IMAP mailbox and
the watched folder. Each takes files in and hands them to
:func:`intake.submissions.services.accept`.

- :mod:`intake.ingest.mailbox` — polling the mailbox.
- :mod:`intake.ingest.message` — one raw message to its sender, date and
  attachments, with bounded work (size, part count, nesting).
- :mod:`intake.ingest.automated` — auto-replies, bounces and list mail
  (RFC 3834), which are never answered.
- :mod:`intake.ingest.watch` — the watched folder.
- :mod:`intake.ingest.models` — what was taken from each, so nothing is taken twice.
"""
