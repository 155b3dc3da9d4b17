"""Claiming review cases (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intake.audit import AuditEvent
from intake.decisions import casework
from intake.decisions.review import ReviewRefused, decide_review
from intake.submissions.models import Request
from tests.intake.decisions.test_review import MAIN_CONTACT_FORM, decided


def owner(service, reference):
    with service.db.session() as session:
        return session.scalar(select(Request.case_owner).where(Request.reference == reference))


def test_a_claimed_case_is_the_claimants_until_taken_over_released_or_decided(service):
    reference = decided(service, MAIN_CONTACT_FORM).reference

    casework.claim(service.db, reference, actor="casey")
    with pytest.raises(casework.CaseRefused, match="casey is working on"):
        casework.claim(service.db, reference, actor="sam")
    with pytest.raises(ReviewRefused, match="casey is working on this case"):
        decide_review(service.db, reference, decision="apply", note="x", actor="sam")
    assert owner(service, reference) == "casey"

    casework.claim(service.db, reference, actor="sam", take_over=True)
    assert owner(service, reference) == "sam"
    with pytest.raises(casework.CaseRefused):
        casework.release(service.db, reference, actor="casey")  # not theirs any more
    decide_review(service.db, reference, decision="reject", note="still in post", actor="sam")

    assert owner(service, reference) is None
    with service.db.session() as session:
        events = session.execute(
            select(AuditEvent.event, AuditEvent.actor)
            .join(Request, Request.id == AuditEvent.request_id)
            .where(Request.reference == reference, AuditEvent.event.like("case %"))
            .order_by(AuditEvent.id)
        ).all()
    assert events == [("case claimed", "casey"), ("case taken over", "sam")]


def test_a_released_case_is_nobodys(service):
    reference = decided(service, MAIN_CONTACT_FORM).reference
    casework.claim(service.db, reference, actor="casey")

    casework.release(service.db, reference, actor="casey")

    assert owner(service, reference) is None
    casework.claim(service.db, reference, actor="sam")  # free to claim
    assert owner(service, reference) == "sam"


def test_only_a_case_in_review_can_be_claimed(service):
    reference = decided(service, MAIN_CONTACT_FORM).reference
    decide_review(service.db, reference, decision="reject", note="x", actor="casey")

    with pytest.raises(casework.CaseRefused, match="not waiting"):
        casework.claim(service.db, reference, actor="casey")


def test_the_requester_message_is_kept_apart_from_the_note(service):
    reference = decided(service, MAIN_CONTACT_FORM).reference

    decide_review(
        service.db,
        reference,
        decision="reject",
        note="Rang the practice.",
        actor="casey",
        message="Mary Main is still your Main Contact.",
    )

    with service.db.session() as session:
        request = session.scalars(select(Request).where(Request.reference == reference)).one()
        assert (request.decision_note, request.requester_message) == (
            "Rang the practice.",
            "Mary Main is still your Main Contact.",
        )
