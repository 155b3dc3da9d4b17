"""Directory conflicts: what an import said against the service's own changes,
waiting for a caseworker (see ``services._import_holders``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake import audit
from intake.db import Database, utcnow
from intake.directory.models import DirectoryConflict

#: What each kind of conflict means, for the people resolving it.
KINDS = {
    "other_holder": "The import names this person as an active holder, but the service's "
    "own changes fill the places: held back, not active.",
    "grantee_deactivated": "The import lists this person as deactivated in the role the "
    "service granted them: the grant stays in force.",
}


class ConflictRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def conflicts(session: Session, *, recent: int = 20) -> tuple[list, list]:
    """Open conflicts, oldest first, and the ``recent`` last resolved."""
    open_ = session.scalars(
        select(DirectoryConflict)
        .where(DirectoryConflict.resolved_at.is_(None))
        .order_by(DirectoryConflict.id)
    ).all()
    resolved = session.scalars(
        select(DirectoryConflict)
        .where(DirectoryConflict.resolved_at.is_not(None))
        .order_by(DirectoryConflict.resolved_at.desc())
        .limit(recent)
    ).all()
    return list(open_), list(resolved)


def resolve(db: Database, conflict_id: int, *, note: str, actor: str) -> DirectoryConflict:
    """Close an open conflict with the caseworker's note (required): what
    they checked with the organisation, and what they did."""
    note = (note or "").strip()
    if not note:
        raise ConflictRefused("A note is required: say what you checked and what you did.")
    with db.session() as session:
        conflict = session.get(DirectoryConflict, conflict_id, with_for_update=True)
        if conflict is None or conflict.resolved_at is not None:
            raise ConflictRefused("That conflict is not open.")
        conflict.resolved_at = utcnow()
        conflict.resolved_by = actor
        conflict.resolution_note = note
        audit.record(
            session,
            "directory conflict resolved",
            actor=actor,
            org_code=conflict.org_code,
            role_code=conflict.role_code,
            email=conflict.email,
            kind=conflict.kind,
            note=note,
        )
        return conflict
