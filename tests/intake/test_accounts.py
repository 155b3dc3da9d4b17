"""Accounts and tokens: the names stored are the names a person sees."""

from __future__ import annotations

from sqlalchemy import select

from intake.accounts.models import ApiToken
from intake.accounts.services import active_user, create_api_token, create_user


def test_names_lose_controls_and_bidi_overrides(intake):
    user = create_user(
        intake.db,
        "ca\u202esey",
        "correct horse battery",
        display_name="Casey\u202e nosmaS\x00",
    )
    create_api_token(intake.db, "robot\u2066 one\u2069", created_by="casey")

    assert (user.username, user.display_name) == ("casey", "Casey nosmaS")
    with intake.db.session() as session:
        assert session.scalar(select(ApiToken.name)) == "robot one"
    assert active_user(intake.db, "casey\u202e").username == "casey"
    assert active_user(intake.db, "nobody") is None
