"""Accounts of people who sign in through an OpenID Connect provider.

The web layer (``web/oidc.py``) runs the protocol with Authlib; what the
validated ID token then says is decided here: whether its assurance level
is enough, which of the service's roles its role claim grants, and which
account it is. An account is the provider's ``(issuer, subject)``: made at
the first sign-in, found again at every later one, its display name and
role refreshed from the claims each time. An admin can disable it like any
other; a disabled account is refused at sign-in and its sessions end.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from intake import audit
from intake.accounts.models import User
from intake.config import OidcSettings
from intake.db import Database, utcnow
from verification.normalise import collapse


class SignInRefused(Exception):
    """A valid identity this service will not let in; ``code`` says why."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


def check_acr(settings: OidcSettings, claims: Mapping[str, Any]) -> None:
    """Refuse an ID token whose ``acr`` is below the configured minimum.

    >>> from intake.config import OidcSettings
    >>> s = OidcSettings("https://idp", "c", "s", "https://idp/m",
    ...                  acr_levels=("low", "high"), min_acr="high")
    >>> check_acr(s, {"acr": "high"})
    >>> check_acr(s, {"acr": "low"})
    Traceback (most recent call last):
    ...
    intake.accounts.oidc.SignInRefused: ('acr', 'low')
    """
    accepted = settings.accepted_acr
    if accepted and claims.get("acr") not in accepted:
        raise SignInRefused("acr", str(claims.get("acr") or "none"))


def claim_values(claims: Mapping[str, Any], path: str) -> list[str]:
    """Every string found at ``path`` (``a.b`` reads ``b`` of each object in
    ``a``); a single string counts as a list of one.

    >>> claim_values({"roles": ["x", "y"]}, "roles")
    ['x', 'y']
    >>> claim_values({"r": [{"code": "1"}, {"code": "2"}]}, "r.code")
    ['1', '2']
    >>> claim_values({}, "roles")
    []
    """
    found: list[Any] = [claims]
    for key in path.split("."):
        step: list[Any] = []
        for item in found:
            value = item.get(key) if isinstance(item, Mapping) else None
            step.extend(value if isinstance(value, list) else [value])
        found = step
    return [value for value in found if isinstance(value, str)]


def mapped_role(settings: OidcSettings, claims: Mapping[str, Any]) -> str:
    """The service's role the claims grant (admin over caseworker);
    ``SignInRefused("role")`` when they grant none."""
    granted = {
        role
        for value, role in settings.role_values
        if value in claim_values(claims, settings.role_claim)
    }
    for role in ("admin", "caseworker"):
        if role in granted:
            return role
    raise SignInRefused("role")


def display_name(claims: Mapping[str, Any]) -> str:
    """The person's name as the provider gives it."""
    given = " ".join(str(claims.get(k) or "") for k in ("given_name", "family_name")).strip()
    for candidate in (
        claims.get("name"),
        given,
        claims.get("preferred_username"),
        claims.get("email"),
    ):
        if isinstance(candidate, str) and collapse(candidate):
            return collapse(candidate)[:200]
    return str(claims["sub"])[:200]


def sign_in(db: Database, settings: OidcSettings, claims: Mapping[str, Any]) -> User:
    """The account of the person these validated ID token claims describe,
    made if this is their first sign-in. Refuses (``SignInRefused``) a low
    assurance level, no mapped role, or a disabled account. The sign-in is
    recorded in the audit trail with the issuer and subject."""
    check_acr(settings, claims)
    role = mapped_role(settings, claims)
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    name = display_name(claims)
    with db.session() as session:
        user = session.scalar(
            select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
        )
        if user is None:
            user = User(
                username=_free_username(session, claims),
                display_name=name,
                password_hash="",  # no password: this account signs in only through the provider
                role=role,
                email=claims.get("email") if isinstance(claims.get("email"), str) else None,
                oidc_issuer=issuer,
                oidc_subject=subject,
            )
            session.add(user)
            session.flush()
            audit.record(
                session,
                "user added",
                actor="identity provider",
                username=user.username,
                role=role,
                identity_issuer=issuer,
                identity_subject=subject,
            )
        elif not user.active:
            raise SignInRefused("disabled")
        else:
            if user.role != role:
                audit.record(
                    session,
                    "user role changed",
                    actor="identity provider",
                    username=user.username,
                    before=user.role,
                    role=role,
                )
            user.role = role
            user.display_name = name
        user.last_signed_in_at = utcnow()
        audit.record(
            session,
            "signed in",
            actor=user.username,
            identity_issuer=issuer,
            identity_subject=subject,
            acr=claims.get("acr"),
        )
        session.flush()
        return user


def _free_username(session, claims: Mapping[str, Any]) -> str:
    """A username for a new account: the provider's user name or email if no
    account has it, else that with a number."""
    wanted = next(
        (
            claims[key]
            for key in ("preferred_username", "email")
            if isinstance(claims.get(key), str) and claims[key].strip()
        ),
        f"user-{claims['sub']}",
    )
    base = re.sub(r"[^a-z0-9._@-]+", "-", collapse(wanted).lower()).strip("-")[:100] or "user"
    taken = set(session.scalars(select(User.username).where(User.username.like(f"{base}%"))))
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    return name
