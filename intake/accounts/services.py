"""Caseworker accounts and API tokens.

Passwords are hashed with werkzeug's scrypt; API tokens are made and kept
as :mod:`intake.accounts.tokens` says.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
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


class WrongPassword(AccountError):
    """The current password given is not the account's."""


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
    _check_role(role)
    _check_password(password)
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
    """The active user with this name and password, or ``None``. A match is
    a sign-in: the account's last sign-in is set to now."""
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    user.last_signed_in_at = utcnow()
    with db.session() as session:
        session.execute(
            update(User).where(User.id == user.id).values(last_signed_in_at=user.last_signed_in_at)
        )
    return user


def list_users(db: Database) -> list[User]:
    """Every account, active ones first, then by username."""
    with db.session() as session:
        return list(session.scalars(select(User).order_by(User.active.desc(), User.username)))


def get_user(db: Database, username: str) -> User:
    """The account called ``username`` (active or not); ``AccountError`` if none."""
    with db.session() as session:
        return _user(session, username)


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
    """Make an API token and return it; it cannot be shown again. Its name
    must be one no other unrevoked token has (a database index holds to it)."""
    name = collapse(name)
    if not name:
        raise AccountError("Give the token a name that says what uses it.")
    if scope not in SCOPES:
        raise AccountError(f"A token's scope is one of {', '.join(SCOPES)}.")
    if not 1 <= days <= 3 * TOKEN_DAYS:
        raise AccountError(f"A token lives between 1 and {3 * TOKEN_DAYS} days.")
    token = new_token("itk")
    try:
        with db.session() as session:
            _name_free(session, name)
            session.add(
                ApiToken(
                    name=name,
                    token_hash=token_hash(token),
                    created_by=created_by,
                    scope=scope,
                    expires_at=utcnow() + dt.timedelta(days=days),
                )
            )
            session.flush()
            audit.record(
                session, "api token created", actor=created_by, name=name, scope=scope, days=days
            )
    except IntegrityError:  # another token of that name, made at the same moment
        with db.session() as session:
            _name_free(session, name)
        raise
    return token


def _name_free(session: Session, name: str) -> None:
    taken = session.scalar(
        select(ApiToken).where(ApiToken.name == name, ApiToken.revoked_at.is_(None))
    )
    if taken is not None:
        expired = taken.expires_at is not None and aware(taken.expires_at) <= utcnow()
        raise AccountError(
            f"A token called {name} already exists (id {taken.id}"
            f"{', expired' if expired else ''}): choose another name, or revoke that one first."
        )


def set_password(db: Database, username: str, password: str, *, actor: str) -> None:
    """An admin gives an account a new password; every session it had ends."""
    _check_password(password)
    with db.session() as session:
        user = _user(session, username)
        _has_password(user)
        user.password_hash = generate_password_hash(password)
        user.session_version += 1
        audit.record(session, "password changed", actor=actor, username=user.username)


def change_password(db: Database, username: str, current: str, new: str) -> User:
    """The account's holder changes its password, giving the current one
    (``WrongPassword`` if it is not). Every session it had ends; the account
    is returned with its new session version, to sign this one in again."""
    _check_password(new)
    with db.session() as session:
        user = _user(session, username)
        _has_password(user)
        if not check_password_hash(user.password_hash, current):
            raise WrongPassword("That is not your current password.")
        user.password_hash = generate_password_hash(new)
        user.session_version += 1
        audit.record(session, "password changed", actor=user.username, username=user.username)
        return user


def disable_user(db: Database, username: str, *, actor: str) -> None:
    """Stop an account signing in; every session it had ends at once. The
    last active admin cannot be disabled."""
    with db.session() as session:
        user = _user(session, username)
        if not user.active:
            return
        _keep_an_admin(session, user, "disable")
        user.active = False
        user.session_version += 1
        audit.record(session, "user disabled", actor=actor, username=user.username)


def enable_user(db: Database, username: str, *, actor: str) -> None:
    """Let a disabled account sign in again (with the password it had)."""
    with db.session() as session:
        user = _user(session, username)
        if user.active:
            return
        user.active = True
        audit.record(session, "user enabled", actor=actor, username=user.username)


def set_role(db: Database, username: str, role: str, *, actor: str) -> None:
    """Make an account a caseworker or an admin. The last active admin
    cannot be made a caseworker. Sessions go on, with the new role."""
    _check_role(role)
    with db.session() as session:
        user = _user(session, username)
        if user.role == role:
            return
        if user.role == "admin":
            _keep_an_admin(session, user, "make a caseworker")
        before, user.role = user.role, role
        audit.record(
            session,
            "user role changed",
            actor=actor,
            username=user.username,
            before=before,
            role=role,
        )


def _keep_an_admin(session: Session, user: User, doing: str) -> None:
    """Refuse to take away the service's last active admin. The active
    admins' rows are locked first (PostgreSQL), so two admins taking each
    other away at once cannot both succeed; SQLite has one writer."""
    admins = session.scalars(
        select(User.id).where(User.role == "admin", User.active.is_(True)).with_for_update()
    ).all()
    if user.active and user.role == "admin" and set(admins) <= {user.id}:
        raise AccountError(
            f"{user.username} is the last active admin: make another account an admin "
            f"before you {doing} this one."
        )


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == collapse(username).lower()))
    if user is None:
        raise AccountError(f"There is no user called {collapse(username)}.")
    return user


def _has_password(user: User) -> None:
    if user.oidc_subject is not None:
        raise AccountError(
            f"{user.username} signs in through the identity provider and has no password here."
        )


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"Role must be one of {', '.join(ROLES)}.")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passwords must be at least {MIN_PASSWORD_LENGTH} characters.")


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


def list_api_tokens(db: Database) -> list[ApiToken]:
    """Every token, unrevoked ones first, newest first."""
    with db.session() as session:
        return list(
            session.scalars(
                select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
            )
        )


def revoke_api_token(db: Database, token_id: int, *, actor: str) -> ApiToken:
    """Revoke the token with this id (only that one) and return it;
    ``AccountError`` if there is none or it is already revoked."""
    with db.session() as session:
        row = session.get(ApiToken, token_id, with_for_update=True)
        if row is None:
            raise AccountError(f"There is no token with id {token_id}.")
        if row.revoked_at is not None:
            raise AccountError(f"Token {token_id} ({row.name}) is already revoked.")
        row.revoked_at = utcnow()
        audit.record(session, "api token revoked", actor=actor, token_id=row.id, name=row.name)
        return row


def unrevoked_token_id(db: Database, name: str) -> int:
    """The id of the one unrevoked token called ``name``; otherwise
    ``AccountError`` naming the ids there are to choose from."""
    with db.session() as session:
        rows = session.scalars(
            select(ApiToken).where(ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)
        ).all()
    named = [row.id for row in rows if row.name == collapse(name)]
    if len(named) == 1:
        return named[0]
    choices = named or [row.id for row in rows]
    listed = ", ".join(str(i) for i in choices) or "none"
    if named:
        raise AccountError(f"{len(named)} tokens are called {name}: give one id of {listed}.")
    raise AccountError(f"No unrevoked token is called {name}; unrevoked tokens' ids: {listed}.")
