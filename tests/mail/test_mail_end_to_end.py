"""Issue 6, done when: two PDF forms in one message in a real IMAP mailbox make
two requests, one acknowledgement, and, once a real worker has decided them,
their outcome mails, delivered exactly once through an SMTP outage."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

import pytest
from sqlalchemy import select

from intake.db import utcnow
from intake.directory.services import import_directory
from intake.mail import outbox
from intake.mail.models import OutboxMessage
from intake.submissions.models import Request, Submission
from tasks import processing
from tests.conftest import make_settings
from tests.mail.messages import SAMPLES, WHEN, mail, sample
from web import create_app

DECIDED = ("applied", "rejected", "review")


def wait_until_decided(intake, submission_ids, timeout=180) -> list[Request]:
    deadline = time.monotonic() + timeout
    while True:
        with intake.db.session() as session:
            requests = session.scalars(
                select(Request)
                .where(Request.submission_id.in_(submission_ids))
                .order_by(Request.submission_id)
            ).all()
        if requests and all(r.status in DECIDED for r in requests):
            return list(requests)
        assert time.monotonic() < deadline, [r.status for r in requests]
        time.sleep(0.25)


@pytest.mark.pipeline
def test_two_forms_by_email_are_acknowledged_once_and_their_outcomes_mailed_once(
    tmp_path, imap_server, mailbox, smtp_server, start_worker
):
    smtp = smtp_server.settings()
    settings = make_settings(
        tmp_path,
        imap_host=mailbox.host,
        imap_port=mailbox.port,
        imap_user=mailbox.user,
        imap_password=mailbox.password,
        imap_security=mailbox.security,
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        mail_from=smtp.mail_from,
    )
    app = create_app({"INTAKE_SETTINGS": settings})
    intake = app.extensions["intake"]
    import_directory(intake.db, SAMPLES / "directory")
    start_worker(settings, intake)
    forms = (sample("applied_gp_partner.pdf"), sample("rejected_org_closed.pdf"))
    imap_server.append(mailbox, mail(*forms), WHEN)

    # Through the scheduled tasks, as the service runs them.
    with app.app_context():
        taken = processing.poll_mailbox()
        processing.send_outbox()

    assert taken == 1
    with intake.db.session() as session:
        submissions = session.scalars(select(Submission).order_by(Submission.id)).all()
    submission_ids = [s.id for s in submissions]
    assert [(s.channel, s.received_on) for s in submissions] == [
        ("email", dt.date(2026, 11, 20))
    ] * 2
    (ack,) = smtp_server.delivered
    assert ack.rcpt_tos == ["emma.wilson@nhs.net"]
    assert ack.message["Subject"].startswith("PCSE has received your forms: UA-2026-")

    applied, rejected = wait_until_decided(intake, submission_ids)
    assert (applied.status, rejected.status) == ("applied", "rejected")
    assert applied.reference in ack.message.get_content()
    assert rejected.reference in ack.message.get_content()

    # The SMTP server goes down just as the outcome mails are due.
    smtp_server.stop()
    during = outbox.send_due(intake.db, smtp)
    with intake.db.session() as session:
        waiting = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "outcome"))
        assert {m.status for m in waiting} == {"pending"}
    assert during.sent == 0
    smtp_server.start()
    later = utcnow() + dt.timedelta(hours=2)

    after = outbox.send_due(intake.db, smtp, now=later)
    again = outbox.send_due(intake.db, smtp, now=later + dt.timedelta(hours=1))

    assert (after.sent, again.sent) == (2, 0)
    outcomes = {d.rcpt_tos[0]: d.message for d in smtp_server.delivered[1:]}
    assert set(outcomes) == {"emma.wilson@nhs.net", "holly.baker@nhs.net"}
    assert outcomes["emma.wilson@nhs.net"]["Subject"] == (
        f"{applied.reference}: your request has been applied"
    )
    rejection = outcomes["holly.baker@nhs.net"].get_content()
    assert rejected.reference in outcomes["holly.baker@nhs.net"]["Subject"]
    assert "What to do:" in rejection
    assert Counter(d.message_id for d in smtp_server.delivered).most_common(1)[0][1] == 1
