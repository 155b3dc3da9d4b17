"""Mail the service sends: acknowledgements, outcome notices, digests.

- :mod:`intake.mail.outbox` — every mail goes through the outbox table, and
  is sent from there (retried, never doubled).
- :mod:`intake.mail.texts` — the words of every mail.
- :mod:`intake.mail.smtp` — one SMTP connection for a batch of sends.
- :mod:`intake.mail.addresses` — one plain address from a header.
- :mod:`intake.mail.settings` — where the SMTP server (and the mailbox) are.
- :mod:`intake.mail.models` — the outbox table.

Mail that comes in is the ingest wing's (:mod:`intake.ingest`).
"""
