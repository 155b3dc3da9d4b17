"""Applying a decision: writing the role holder rows a request asks for.

Runs inside the caller's transaction, together with the request's new status
and its audit event, so a grant and its record are committed together or not
at all. The partial unique indexes on ``role_holders`` make a second grant
for the same request, or a second active grant of one role to one person,
fail with ``IntegrityError`` instead of happening.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake import audit
from intake.db import utcnow
from intake.directory.models import Organisation, RoleHolder
from intake.submissions.models import Request
from verification.rules import GrantAction


def apply_action(session: Session, request: Request, action: GrantAction, *, actor: str) -> None:
    """Grant, replace or deactivate the role as ``action`` says."""
    now = utcnow()
    deactivated: list[str] = []
    if action.kind in ("replace", "deactivate"):
        query = select(RoleHolder).where(
            RoleHolder.org_code == action.org_code,
            RoleHolder.role_code == action.role_code,
            RoleHolder.status == "active",
        )
        if action.kind == "deactivate":
            query = query.where(RoleHolder.email == action.email)
        for holder in session.scalars(query):
            holder.status = "deactivated"
            holder.deactivated_at = now
            holder.deactivated_by_request_id = request.id
            deactivated.append(holder.email)
    if action.kind in ("grant", "replace"):
        session.add(
            RoleHolder(
                org_code=action.org_code,
                role_code=action.role_code,
                full_name=action.full_name,
                email=action.email,
                status="active",
                source="intake",
                request_id=request.id,
                granted_at=now,
            )
        )
    session.flush()
    audit.record(
        session,
        f"role {action.kind}",
        actor=actor,
        submission_id=request.submission_id,
        request_id=request.id,
        org_code=action.org_code,
        role_code=action.role_code,
        email=action.email,
        deactivated=deactivated,
    )


def lock_organisation(session: Session, org_code: object) -> None:
    """Serialise decisions for one organisation on PostgreSQL (``org_code``
    as read; nothing to lock when it is blank or not text).

    Two workers deciding requests for the same organisation (the GPP limit,
    duplicates) must not both read "room for one more" and both grant. SQLite
    needs nothing here: the decision transaction starts with a write, which
    takes SQLite's single writer lock.
    """
    code = org_code.strip().upper() if isinstance(org_code, str) else ""
    if code and session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(Organisation.org_code).where(Organisation.org_code == code).with_for_update()
        )
