"""Mail that answers mail this service sent.

The outbox gives every mail a ``Message-ID`` made from its row,
``<intake.<row id>.<hash of its dedupe key>@<our domain>>`` (see
:func:`intake.mail.outbox.message_id`); it is not stored, but the row and
its hash are, so a reference to one of ours is checked against the row, not
merely its shape. A message whose ``In-Reply-To`` or ``References`` names
one of our mails and that carries no form is an autoresponder's (or a
person's "thank you"): it is recorded, never refused.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.mail.models import OutboxMessage

_OURS = re.compile(r"<intake\.(\d{1,18})\.([0-9a-f]{16})@[^<>\s]+>")


def our_ids(references: Iterable[str]) -> dict[int, str]:
    """Outbox row ids named by these headers' values, with the hash they carry.

    >>> our_ids(["<a@b.org> <intake.7.8254c329a92850f6@example.org>"])
    {7: '8254c329a92850f6'}
    """
    found: dict[int, str] = {}
    for value in references:
        for row_id, digest in _OURS.findall(value):
            if len(found) < 50:
                found[int(row_id)] = digest
    return found


def answers_our_mail(session: Session, references: Iterable[str]) -> bool:
    """Whether the headers name a mail the outbox really sent (or queued)."""
    named = our_ids(references)
    if not named:
        return False
    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.dedupe_key).where(OutboxMessage.id.in_(named))
    ).all()
    return any(
        hashlib.sha256(key.encode()).hexdigest()[:16] == named[row_id] for row_id, key in rows
    )
