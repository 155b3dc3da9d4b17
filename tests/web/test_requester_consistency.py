"""The status page, the API and the requester's mail never contradict the
request's state, whoever decided it: decided automatically (applied,
rejected, review), then by a caseworker (apply, apply with a correction,
reject with a message)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from intake.accounts.services import create_api_token
from intake.decisions import pipeline
from intake.decisions.review import decide_review
from intake.directory.services import import_directory
from intake.mail.models import OutboxMessage
from intake.submissions.models import Request
from intake.submissions.services import accept
from tests.intake.directory.test_directory import write_directory
from tests.intake.factories import GOOD_FORM, reading_of

GOOD = {**GOOD_FORM, "requester_name": "Emma Wilson", "requester_email": "emma.wilson@nhs.net"}
NOT_TICKED = {**GOOD, "declaration": False}
#: Mary Main holds the Main Contact role already: USER_ADMIN_EXISTS, review.
MAIN_CONTACT = {**GOOD, "role": "Main Contact"}
#: The nominee's email read with little confidence: LOW_CONFIDENCE, review.
MISREAD = {**GOOD, "nominee_email": "tom.reed@nhs.ne"}

#: Words that belong to a request still waiting for a caseworker.
WAITING = ("is checking", "will check", "caseworker will")
INTERNALS = ("holder(s)", "(inactive at", "(See UA-", "Traceback")


@dataclass
class Told:
    """What the requester is told in each of the three places."""

    reference: str
    page: str
    api: dict
    mail: str

    def everywhere(self) -> list[str]:
        return [self.page, str(self.api), self.mail]


@pytest.fixture
def decide(app, intake, client, tmp_path):
    """Decide a form as the worker would, then (optionally) as a caseworker;
    return what the status page, the API and the last requester mail say."""
    import_directory(intake.db, write_directory(tmp_path / "directory"))
    reader = create_api_token(intake.db, "consistency reader", created_by="pytest", scope="reader")
    count = iter(range(1000))

    def run(
        form, confidence=None, *, caseworker=None, note="", corrections=None, message=None
    ) -> Told:
        accepted = accept(
            intake.db,
            intake.store,
            f"%PDF-1.4 consistency {next(count)}\n%%EOF\n".encode(),
            filename="form.pdf",
            channel="web",
            received_on=dt.date(2026, 11, 20),
            max_bytes=10**6,
        )
        work = pipeline.claim(intake.db, accepted.submission_id)
        pipeline.conclude(intake.db, work, reading_of(form, confidence=confidence))
        (reference,) = accepted.references
        if caseworker:
            decide_review(
                intake.db,
                reference,
                decision=caseworker,
                note=note,
                actor="cw.jones",
                corrections=corrections,
                message=message,
            )
        page = client.get(f"/status/{accepted.status_token}").get_data(as_text=True)
        api = client.get(
            f"/api/v1/submissions/{reference}", headers={"Authorization": f"Bearer {reader}"}
        ).get_json()
        with intake.db.session() as session:
            request_id = session.scalar(select(Request.id).where(Request.reference == reference))
            mails = session.scalars(
                select(OutboxMessage.body)
                .where(
                    OutboxMessage.request_id == request_id,
                    OutboxMessage.to_addr == "emma.wilson@nhs.net",
                )
                .order_by(OutboxMessage.id)
            ).all()
        return Told(reference, page, api, mails[-1] if mails else "")

    return run


def _visible(page: str) -> str:
    """The page's main content, without markup."""
    import re

    main = page.split('id="maincontent"', 1)[1]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def test_an_automatic_apply_says_the_checks_passed_everywhere(decide):
    told = decide(GOOD)

    assert told.api["status"] == "applied"
    assert told.api["outcome"]["decided_by"] == "system"
    assert told.api["outcome"]["caseworker_involved"] is False
    for text in told.everywhere():
        assert "The checks passed." in text
        assert not any(words in text for words in WAITING)
        assert "Send a corrected form" not in text
    assert "PCSE Online will email them an invitation" in _visible(told.page)
    assert "/status/st_" in told.mail


def test_an_automatic_rejection_gives_every_reason_and_action_and_a_way_to_correct(decide):
    told = decide(NOT_TICKED)

    assert told.api["status"] == "rejected"
    assert [r["code"] for r in told.api["reasons"]] == ["DECLARATION_NOT_TICKED"]
    for text in told.everywhere():
        assert "declaration box is not ticked" in text
        assert "tick the declaration" in text
        assert "checks passed" not in text
        assert not any(words in text for words in WAITING)
        assert "PCSE caseworker" not in text
    assert f"/?corrects={told.reference}" in told.page
    assert told.api["outcome"]["can_send_correction"] is True
    assert "send a corrected form" in told.mail


def test_a_request_in_review_asks_nothing_of_the_requester(decide):
    told = decide(MAIN_CONTACT)

    assert told.api["status"] == "review"
    assert told.api["outcome"]["caseworker_involved"] is True
    visible = _visible(told.page)
    for text in (visible, told.mail):
        assert "A PCSE caseworker is checking this request." in text
        assert "You do not need to do anything." in text
        assert "What to do:" not in text
        assert "already has someone in this role" in text
        assert "holder(s)" not in text
    assert "Send a corrected form" not in visible
    assert "within 5 days" in visible  # the timescale, from the escalation setting
    assert "pcse.portalenquiries@nhs.net" in visible  # the contact route
    assert all(r["action"].startswith("None for now") for r in told.api["reasons"])


def test_a_caseworkers_apply_is_told_as_theirs(decide):
    told = decide(MAIN_CONTACT, caseworker="apply", note="Mary Main left in October")

    assert told.api["status"] == "applied"
    assert told.api["outcome"]["decided_by"] == "caseworker"
    for text in told.everywhere():
        assert "A PCSE caseworker checked the request and applied it." in text
        assert "checks passed" not in text
        assert not any(words in text for words in WAITING)
    # An apply's note is the caseworker's record, not a message to the requester.
    for text in told.everywhere():
        assert "Mary Main left in October" not in text


def test_a_caseworkers_apply_can_carry_a_message_to_the_requester(decide):
    told = decide(
        MAIN_CONTACT,
        caseworker="apply",
        note="Mary Main left in October (rang the practice).",
        message="We have replaced Mary Main, who has left, with your nominee.",
    )

    assert told.api["outcome"]["caseworker_message"].startswith("We have replaced Mary Main")
    for text in told.everywhere():
        assert "We have replaced Mary Main, who has left, with your nominee." in text
        assert "rang the practice" not in text


def test_a_caseworkers_correction_is_marked_beside_what_the_form_said(decide):
    told = decide(
        MISREAD,
        {"nominee_email": 0.5},
        caseworker="apply",
        note="checked the scan",
        corrections={"nominee_email": "tom.reed@nhs.net"},
    )

    assert told.api["status"] == "applied"
    assert told.api["outcome"]["corrections"]["nominee_email"]["corrected"] == "tom.reed@nhs.net"
    assert 'data-corrected="nominee_email"' in told.page
    assert "Corrected by a caseworker" in told.page
    assert "Being checked" not in told.page
    for text in told.everywhere():
        assert "checks passed" not in text
        assert not any(words in text for words in WAITING)
    assert "Values the caseworker corrected:" in told.mail
    assert "Nominee email address: tom.reed@nhs.net" in told.mail


def test_a_caseworkers_rejection_shows_their_message_everywhere(decide):
    told = decide(
        MAIN_CONTACT,
        caseworker="reject",
        note="Rang the practice manager, who says Mary is still there.",  # private
        message="Mary Main is still in post.",
    )

    assert told.api["status"] == "rejected"
    assert told.api["outcome"]["caseworker_message"] == "Mary Main is still in post."
    assert "data-caseworker-message" in told.page
    for text in told.everywhere():
        assert "Mary Main is still in post." in text
        assert "could not apply" in text
        assert "checks passed" not in text
        assert not any(words in text for words in WAITING)
        assert "You do not need to do anything" not in text
        assert "Rang the practice manager" not in text  # the note is PCSE's own
    assert f"/?corrects={told.reference}" in told.page


@pytest.mark.parametrize(
    ("form", "confidence", "caseworker"),
    [
        (GOOD, None, None),
        (NOT_TICKED, None, None),
        (MAIN_CONTACT, None, None),
        (MAIN_CONTACT, None, "apply"),
        (MAIN_CONTACT, None, "reject"),
    ],
)
def test_no_answer_shows_internals(decide, form, confidence, caseworker):
    told = decide(form, confidence, caseworker=caseworker, note="A note.")

    for text in [_visible(told.page), str(told.api["reasons"]), told.mail]:
        assert not any(internal in text for internal in INTERNALS), text
