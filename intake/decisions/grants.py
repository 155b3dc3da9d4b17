"""Applying a decision: writing the role holder rows a request asks for.

Runs inside the caller's transaction, together with the request's new status
and its audit event, so a grant and its record are committed together or not
at all. The partial unique indexes on ``role_holders`` make a second grant
for the same request, a second active grant of one role to one person, a
holder past a role's limit or a second Main Contact fail with
``IntegrityError`` instead of happening.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake import audit
from intake.db import utcnow
from intake.directory.models import DirectoryChange, Organisation, RoleHolder
from intake.submissions.models import Request
from verification.policy import ROLE_POLICIES
from verification.roles import NEW, REMOVE, UPDATE
from verification.rules import GrantAction


def replaced_by(session: Session, action: GrantAction) -> list[RoleHolder]:
    """The active holders applying ``action`` deactivates: the named holder
    for a Remove; the current Main Contact for an Update, or for a New Main
    Contact (an organisation has one at a time, SPEC §3); nobody otherwise."""
    query = select(RoleHolder).where(
        RoleHolder.org_code == action.org_code,
        RoleHolder.role_code == action.role_code,
        RoleHolder.status == "active",
    )
    if action.kind == "deactivate":
        query = query.where(RoleHolder.email == action.email)
    elif _replaces(action.role_code):
        query = query.where(RoleHolder.email != action.email)
    else:
        return []
    return list(session.scalars(query.order_by(RoleHolder.id)))


def replaced_on_apply(session: Session, fields: dict[str, object]) -> list[RoleHolder]:
    """Who applying a request with these (normalised) values would
    deactivate, for the caseworker to see before applying."""
    kinds = {NEW: "grant", UPDATE: "replace", REMOVE: "deactivate"}
    keys = ("org_code", "role", "request_type", "nominee_name", "nominee_email")
    values = [fields.get(key) for key in keys]
    if not all(isinstance(value, str) for value in values) or values[2] not in kinds:
        return []
    org_code, role_code, request_type, name, email = values
    kind = kinds[request_type]
    return replaced_by(session, GrantAction(kind, org_code.upper(), role_code, name, email))


def _replaces(role_code: str) -> bool:
    policy = ROLE_POLICIES.get(role_code)
    return policy is not None and policy.replaces


def apply_action(session: Session, request: Request, action: GrantAction, *, actor: str) -> None:
    """Grant, replace or deactivate the role as ``action`` says, and keep
    each change as a :class:`DirectoryChange`, so that an import of an older
    directory cannot undo it."""
    now = utcnow()
    leaving = replaced_by(session, action)
    for holder in leaving:
        holder.status = "deactivated"
        holder.deactivated_at = now
        holder.deactivated_by_request_id = request.id
        holder.slot = None
        session.add(_change(request, "deactivate", holder.org_code, holder.role_code, holder))
    session.flush()  # the place is free before the nominee takes it
    granted = None
    if action.kind != "deactivate":
        already = session.scalars(
            select(RoleHolder).where(
                RoleHolder.org_code == action.org_code,
                RoleHolder.role_code == action.role_code,
                RoleHolder.email == action.email,
                RoleHolder.status == "active",
            )
        ).first()
        if already is None:  # an Update naming the current Main Contact keeps them
            granted = RoleHolder(
                org_code=action.org_code,
                role_code=action.role_code,
                full_name=action.full_name,
                email=action.email,
                status="active",
                source="intake",
                request_id=request.id,
                granted_at=now,
            )
            session.add(granted)
            session.add(_change(request, "grant", action.org_code, action.role_code, granted))
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
        granted=_person(granted) if granted else None,
        deactivated=[_person(holder) for holder in leaving],
    )


def _change(
    request: Request, kind: str, org_code: str, role_code: str, holder: RoleHolder
) -> DirectoryChange:
    return DirectoryChange(
        request_id=request.id,
        kind=kind,
        org_code=org_code,
        role_code=role_code,
        full_name=holder.full_name,
        email=holder.email,
        made_at=utcnow(),
    )


def _person(holder: RoleHolder) -> str:
    return f"{holder.full_name} <{holder.email}>"


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
