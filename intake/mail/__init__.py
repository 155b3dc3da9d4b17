"""Email: the intake mailbox (forms in), replies and outcome notices (mail out).

- :mod:`intake.mail.settings` — where the mailbox and the SMTP server are.
- :mod:`intake.mail.parse` — one raw message to its sender, date and
  attachments, with bounded work (size, part count, nesting).
- :mod:`intake.mail.automated` — auto-replies, bounces and list mail
  (RFC 3834), which are never answered.
- :mod:`intake.mail.inbound` — polling the IMAP mailbox.
- :mod:`intake.mail.texts` — the words of every mail the service sends.
- :mod:`intake.mail.smtp` — one SMTP connection for a batch of sends.

Mail out always goes through the outbox table (:mod:`intake.outbox`).
"""
