"""Caseworker accounts and API tokens.

Passwords are hashed with werkzeug's scrypt; API tokens are made and kept
as :mod:`intake.accounts.tokens` says.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from intake import audit
from intake.accounts.models import ApiToken, User
from intake.accounts.tokens import new_token, token_hash
from intake.db import Database, aware, utcnow
from verification.normalise import collapse

ROLES = ("caseworker", "admin")
MIN_PASSWORD_LENGTH = 12
# Checked against when the user does not exist, so both paths cost the same.
_DUMMY_HASH = generate_password_hash("not a real password")


class AccountError(ValueError):
    """A request about accounts or tokens that cannot be met; says why."""


def create_user(
    db: Database,
    username: str,
    password: str,
    *,
    role: str = "caseworker",
    display_name: str | None = None,
    email: str | None = None,
) -> User:
    """Add a caseworker or admin; refuses short passwords and taken names.
    Names lose the characters no one sees (controls, bidi overrides)."""
    username = collapse(username).lower()
    display_name = collapse(display_name) if display_name else None
    if not username:
        raise AccountError("A username is required.")
    if role not in ROLES:
        raise AccountError(f"Role must be one of {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passwords must be at least {MIN_PASSWORD_LENGTH} characters.")
    with db.session() as session:
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise AccountError(f"There is already a user called {username}.")
        user = User(
            username=username,
            display_name=display_name or username,
            password_hash=generate_password_hash(password),
            role=role,
            email=email,
        )
        session.add(user)
        session.flush()
        audit.record(session, "user added", actor="operator", username=username, role=role)
        return user


def authenticate(db: Database, username: str, password: str) -> User | None:
    """The active user with this name and password, or ``None``."""
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


#: What a token may do: ``submitter`` sends forms and reads what it sent;
#: ``reader`` reads every request, and is given only by an admin who means it.
SCOPES = ("submitter", "reader")
#: How long a token lives unless its maker says otherwise.
TOKEN_DAYS = 365
#: A token's last use is written at most this often (not on every request).
LAST_USED_EVERY = dt.timedelta(minutes=1)


def create_api_token(
    db: Database,
    name: str,
    *,
    created_by: str,
    scope: str = "submitter",
    days: int = TOKEN_DAYS,
) -> str:
    """Make an API token and return it; it cannot be shown again."""
    name = collapse(name)
    if not name:
        raise AccountError("Give the token a name that says what uses it.")
    if scope not in SCOPES:
        raise AccountError(f"A token's scope is one of {', '.join(SCOPES)}.")
    if not 1 <= days <= 3 * TOKEN_DAYS:
        raise AccountError(f"A token lives between 1 and {3 * TOKEN_DAYS} days.")
    token = new_token("itk")
    with db.session() as session:
        session.add(
            ApiToken(
                name=name,
                token_hash=token_hash(token),
                created_by=created_by,
                scope=scope,
                expires_at=utcnow() + dt.timedelta(days=days),
            )
        )
        audit.record(
            session, "api token created", actor=created_by, name=name, scope=scope, days=days
        )
    return token


def set_password(db: Database, username: str, password: str, *, actor: str) -> None:
    """Give an account a new password; every session it had ends."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passwords must be at least {MIN_PASSWORD_LENGTH} characters.")
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == collapse(username).lower()))
        if user is None:
            raise AccountError(f"There is no user called {username}.")
        user.password_hash = generate_password_hash(password)
        user.session_version += 1
        audit.record(session, "password changed", actor=actor, username=user.username)


def disable_user(db: Database, username: str, *, actor: str) -> None:
    """Stop an account signing in; every session it had ends at once."""
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == collapse(username).lower()))
        if user is None:
            raise AccountError(f"There is no user called {username}.")
        user.active = False
        user.session_version += 1
        audit.record(session, "user disabled", actor=actor, username=user.username)


def end_sessions(db: Database, user_id: int) -> None:
    """End every signed-in session of this account (at sign-out; a changed
    password or a disabled account must do the same): a session cookie kept
    or copied from before is refused from now on."""
    with db.session() as session:
        session.execute(
            update(User).where(User.id == user_id).values(session_version=User.session_version + 1)
        )


def active_user(db: Database, username: str) -> User | None:
    """The active account called ``username``, or ``None``."""
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == collapse(username).lower()))
    return user if user is not None and user.active else None


def check_api_token(db: Database, token: str) -> ApiToken | None:
    """The live token matching ``token`` (not revoked, not expired), or
    ``None``. Its last use is written at most once a minute."""
    if not token:
        return None
    now = utcnow()
    with db.session() as session:
        row = session.scalar(
            select(ApiToken).where(
                ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None)
            )
        )
        if row is None or (row.expires_at is not None and aware(row.expires_at) <= now):
            return None
        if row.last_used_at is None or aware(row.last_used_at) <= now - LAST_USED_EVERY:
            row.last_used_at = now
        return row


def revoke_api_token(db: Database, name: str, *, actor: str) -> int:
    """Revoke every live token with this name; returns how many."""
    with db.session() as session:
        rows = session.scalars(
            select(ApiToken).where(ApiToken.name == name, ApiToken.revoked_at.is_(None))
        ).all()
        for row in rows:
            row.revoked_at = utcnow()
        if rows:
            audit.record(session, "api token revoked", actor=actor, name=name, count=len(rows))
        return len(rows)
