"""SMTP by the RFC (issue 18, item 6): a slow server's mail goes once, a
send whose result is unknown goes again with the same Message-ID, and an
outage backs off the server, not each mail."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import threading
import time
from dataclasses import dataclass, field

import pytest

from intake.db import utcnow
from intake.mail import outbox
from intake.mail.settings import outbox_time_limit_s
from intake.service import Intake
from tests.conftest import make_settings
from tests.intake.mail.test_outbox import queue_mails, rows
from tests.mail.servers import SmtpServer

#: The issue's server: it answers the end of the data after 40 seconds.
SLOW_S = 40


@dataclass
class SlowSmtpServer(SmtpServer):
    """Takes ``delay`` seconds to answer each message's data (it keeps the
    message even when the client has stopped waiting)."""

    delay: float = SLOW_S
    #: The Message-ID of every message's data, answered or not.
    received: list[str] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.received.append(email.message_from_bytes(envelope.content)["Message-ID"])
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def lite(tmp_path):
    intake = Intake.start(make_settings(tmp_path))
    yield intake
    intake.db.dispose()


@pytest.fixture
def slow_server():
    server = SlowSmtpServer().start()
    yield server
    server.stop()


def test_a_server_that_answers_data_after_40_s_gets_each_mail_once(lite, slow_server):
    queue_mails(lite, 2)
    settings = make_settings(lite.settings.data_dir.parent)
    # Commands have 5 s; the data's answer the default 10 minutes.
    smtp = slow_server.settings(timeout_s=5, data_timeout_s=settings.smtp_data_timeout_s)
    lease = outbox_time_limit_s(settings) + 60  # as the scheduled task passes it
    done: list[outbox.SendResult] = []
    sending = threading.Thread(target=lambda: done.append(outbox.send_due(lite.db, smtp)))
    started = time.monotonic()
    sending.start()
    time.sleep(2)
    # The next scheduled run, while the first still waits on the server.
    later = utcnow() + dt.timedelta(seconds=settings.outbox_interval_s + 5)
    meanwhile = outbox.send_due(lite.db, smtp, now=later, lease_s=lease)
    sending.join(timeout=4 * SLOW_S)

    assert time.monotonic() - started >= SLOW_S
    # The second run took the other mail, never the one still being sent.
    assert meanwhile.reclaimed == 0
    assert done[0].sent + meanwhile.sent == 2
    assert done[0].retried + meanwhile.retried == 0
    assert sorted(d.rcpt_tos[0] for d in slow_server.delivered) == [
        "person0@nhs.net",
        "person1@nhs.net",
    ]
    assert {r.status for r in rows(lite)} == {"sent"}


def test_a_send_whose_answer_never_came_goes_again_with_the_same_message_id(lite, slow_server):
    slow_server.delay = 3
    queue_mails(lite, 1)
    smtp = slow_server.settings(timeout_s=5, data_timeout_s=1)
    now = utcnow()

    first = outbox.send_due(lite.db, smtp, now=now)
    (row,) = rows(lite)
    again = outbox.send_due(
        lite.db, slow_server.settings(data_timeout_s=10), now=now + dt.timedelta(seconds=31)
    )

    assert (first.sent, first.retried, again.sent) == (0, 1, 1)
    # The server had the data both times: one Message-ID, so a receiver that
    # kept the first can tell the second is a copy.
    assert slow_server.received == [outbox.message_id(row, smtp.mail_from)] * 2
    assert [d.message_id for d in slow_server.delivered] == slow_server.received[1:]


def test_the_whole_queue_goes_in_one_run_when_the_server_is_back(lite):
    server = SmtpServer().start()
    server.stop()
    queue_mails(lite, 5)
    now = utcnow()
    for _ in range(4):  # two minutes of outage, a run every 30 s
        outbox.send_due(lite.db, server.settings(), now=now)
        now += dt.timedelta(seconds=30)
    server.start()
    try:
        back = outbox.send_due(lite.db, server.settings(), now=now + dt.timedelta(seconds=1))
    finally:
        server.stop()

    assert back.sent == 5
    assert len(server.delivered) == 5
