"""Ageing of review cases and second looks (intake.decisions.oversight)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import select, update

from intake.accounts.services import create_user
from intake.audit import AuditEvent
from intake.decisions.oversight import (
    SecondLookRefused,
    escalate_overdue,
    maybe_sample,
    overdue_digest,
    record_second_look,
    run_daily_escalation,
)
from intake.submissions.models import Request, Status
from tests.intake.factories import requests_of, submit

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def a_request(intake, *, status: str, days_old: int = 0, **columns) -> Request:
    submission_id = submit(intake)
    with intake.db.session() as session:
        request = session.scalars(
            select(Request).where(Request.submission_id == submission_id)
        ).one()
        session.execute(
            update(Request)
            .where(Request.id == request.id)
            .values(status=status, created_at=NOW - dt.timedelta(days=days_old), **columns)
        )
    return requests_of(intake, submission_id)[0]


def events(intake, name: str) -> list[AuditEvent]:
    with intake.db.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def test_it_escalates_review_cases_older_than_the_limit_once(intake):
    old = a_request(intake, status=Status.REVIEW, days_old=6)
    young = a_request(intake, status=Status.REVIEW, days_old=4)
    a_request(intake, status=Status.REJECTED, days_old=30)

    first = escalate_overdue(intake.db, older_than_days=5, now=NOW)
    again = escalate_overdue(intake.db, older_than_days=5, now=NOW + dt.timedelta(days=1))

    assert first == [old.reference]
    assert again == []
    assert requests_of(intake, young.submission_id)[0].escalated_at is None
    [event] = events(intake, "escalated")
    assert event.request_id == old.id
    assert event.detail == {"age_days": 6, "limit_days": 5}


def test_the_digest_lists_escalated_cases_with_org_age_and_reasons(intake):
    a_request(
        intake,
        status=Status.REVIEW,
        days_old=9,
        org_code="A81001",
        fields={"org_name": "Riverside Medical Centre"},
        reasons=[{"code": "USER_ADMIN_EXISTS"}, {"code": "NOMINEE_NOT_AT_ORG"}],
    )
    escalate_overdue(intake.db, older_than_days=5, now=NOW)

    digest = overdue_digest(intake.db, now=NOW)

    assert digest.startswith("1 review case is overdue")
    assert "A81001 (Riverside Medical Centre)" in digest
    assert "9 days" in digest
    assert "USER_ADMIN_EXISTS, NOMINEE_NOT_AT_ORG" in digest


def test_the_digest_is_empty_when_nothing_is_overdue(intake):
    a_request(intake, status=Status.REVIEW, days_old=1)

    assert overdue_digest(intake.db, now=NOW) == ""


def test_the_daily_run_mails_the_digest_to_caseworkers_with_an_email(intake):
    create_user(intake.db, "casey", "x" * 12, email="casey@pcse.example")
    create_user(intake.db, "nomail", "x" * 12)
    overdue = a_request(intake, status=Status.REVIEW, days_old=8)
    sent = []

    escalated = run_daily_escalation(
        intake.db, older_than_days=5, now=NOW, send=lambda *mail: sent.append(mail)
    )

    assert escalated == [overdue.reference]
    [(recipients, subject, body)] = sent
    assert recipients == ["casey@pcse.example"]
    assert "1 overdue" in subject
    assert overdue.reference in body


def test_the_daily_run_sends_nothing_when_nothing_is_overdue(intake):
    create_user(intake.db, "casey", "x" * 12, email="casey@pcse.example")
    sent = []

    run_daily_escalation(intake.db, older_than_days=5, now=NOW, send=lambda *m: sent.append(m))

    assert sent == []


class Always:
    def __init__(self, value: float) -> None:
        self.value = value

    def random(self) -> float:
        return self.value


@pytest.mark.parametrize(("draw", "sampled"), [(0.01, True), (0.05, False), (0.9, False)])
def test_an_auto_applied_request_is_sampled_with_the_given_share(intake, draw, sampled):
    request = a_request(intake, status=Status.APPLIED)

    with intake.db.session() as session:
        row = session.get(Request, request.id)
        assert maybe_sample(session, row, 0.05, Always(draw)) is sampled

    assert (requests_of(intake, request.submission_id)[0].sampled_at is not None) is sampled
    assert len(events(intake, "sampled for a second look")) == int(sampled)


def test_only_applied_requests_are_sampled(intake):
    request = a_request(intake, status=Status.REJECTED)

    with intake.db.session() as session:
        assert not maybe_sample(session, session.get(Request, request.id), 1.0)


def test_about_the_share_of_requests_is_sampled(intake):
    request = a_request(intake, status=Status.APPLIED)
    rng = random.Random(7)
    hits = 0
    with intake.db.session() as session:
        row = session.get(Request, request.id)
        for _ in range(2000):
            row.sampled_at = None
            hits += maybe_sample(session, row, 0.1, rng)
        session.rollback()

    assert 150 < hits < 250


def test_a_second_look_is_recorded_once_with_its_note(intake):
    request = a_request(intake, status=Status.APPLIED, sampled_at=NOW)

    record_second_look(
        intake.db, request.reference, outcome="agree", note="Partner list checked.", actor="casey"
    )

    row = requests_of(intake, request.submission_id)[0]
    assert (row.second_look_outcome, row.second_look_by) == ("agree", "casey")
    assert row.second_look_note == "Partner list checked."
    [event] = events(intake, "second look")
    assert event.detail == {"outcome": "agree", "note": "Partner list checked."}
    with pytest.raises(SecondLookRefused, match="not waiting"):
        record_second_look(intake.db, request.reference, outcome="agree", note="x", actor="b")


@pytest.mark.parametrize(
    ("outcome", "note", "message"),
    [("maybe", "fine", "agree or disagree"), ("agree", "  ", "A note is required")],
)
def test_a_second_look_needs_an_outcome_and_a_note(intake, outcome, note, message):
    request = a_request(intake, status=Status.APPLIED, sampled_at=NOW)

    with pytest.raises(SecondLookRefused, match=message):
        record_second_look(intake.db, request.reference, outcome=outcome, note=note, actor="c")


def test_a_request_that_was_not_sampled_gets_no_second_look(intake):
    request = a_request(intake, status=Status.APPLIED)

    with pytest.raises(SecondLookRefused):
        record_second_look(intake.db, request.reference, outcome="agree", note="x", actor="c")


def test_the_digest_goes_through_the_outbox_once_a_day(intake):
    from functools import partial

    from sqlalchemy import select

    from intake.decisions.oversight import queue_digest
    from intake.mail.models import OutboxMessage

    create_user(intake.db, "casey", "x" * 12, email="casey@pcse.example")
    a_request(intake, status=Status.REVIEW, days_old=8)
    send = partial(queue_digest, intake.db)

    run_daily_escalation(intake.db, older_than_days=5, now=NOW, send=send)
    run_daily_escalation(intake.db, older_than_days=5, now=NOW, send=send)

    with intake.db.session() as session:
        mails = session.scalars(select(OutboxMessage)).all()
    assert [(m.kind, m.to_addr) for m in mails] == [("digest", "casey@pcse.example")]
    assert "overdue" in mails[0].subject
