"""The real app in headless Chromium: a requester uploads, a caseworker decides.

One server for the module: the app under waitress on a free 127.0.0.1 port,
a real worker process on the embedded broker, the sample directory loaded,
and the sample forms already submitted so the dashboard has something in it.
Debian's Chromium drives it through Playwright (which never downloads a
browser of its own). Each page is screenshotted; with INTAKE_SCREENSHOTS=1 the
pictures replace those under ``docs/screenshots/`` (otherwise they go to a
temporary folder, so a test run leaves the tree clean).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select, update
from waitress import create_server

from intake.accounts.services import create_user
from intake.decisions import oversight
from intake.directory.services import import_directory
from intake.service import Intake
from intake.submissions.models import Request, Status
from intake.submissions.services import accept
from sample_forms.catalogue import EXISTING_ADMIN, GP_PARTNER
from sample_forms.generate import render
from sample_forms.scenarios import RECEIVED, Sample
from tasks.processing import enqueue
from tests.conftest import ROOT, WorkerProcess, make_settings
from web import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--lang=en-GB",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CONTEXT = {"viewport": {"width": 1366, "height": 900}, "locale": "en-GB", "timezone_id": "UTC"}
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("INTAKE_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "intake-screenshots"
)
PASSWORD = "correct horse battery"
SAMPLES = ROOT / "sample_forms"
#: Sample forms submitted (as received on their scenario date) before the tests.
BACKGROUND = [
    "applied_gp_partner.pdf",
    "applied_caldicott_acroform_by_key.pdf",
    "rejected_org_closed.pdf",
    "rejected_role_not_ua.pdf",
    "rejected_not_a_pdf.pdf",
    "review_authoriser_name_mismatch.pdf",
    "two_requests_ael_and_nominee_not_at_org.pdf",
]


@dataclasses.dataclass
class Live:
    url: str
    intake: Intake
    tmp: Path

    def wait_until_decided(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.intake.db.session() as session:
                open_ = session.scalar(
                    select(Request.id).where(
                        Request.status.in_([Status.RECEIVED, Status.PROCESSING])
                    )
                )
            if open_ is None:
                return
            time.sleep(0.2)
        raise AssertionError("the worker did not decide the background forms in time")


def dated_today(sample_request, name: str) -> tuple[str, bytes]:
    """A sample form signed a few days ago, so a web upload (received today)
    gets the scenario's outcome whatever day the tests run."""
    signed = (dt.date.today() - dt.timedelta(days=3)).strftime("%d/%m/%Y")
    redated = dataclasses.replace(
        sample_request, values={**sample_request.values, "date_signed": signed}
    )
    return name, render(Sample(name, (redated,)))


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("browser")
    settings = make_settings(tmp, sweep_interval_s=2, resend_after_s=5)
    intake = Intake.start(settings)
    import_directory(intake.db, SAMPLES / "directory")
    create_user(intake.db, "casey", PASSWORD, display_name="Casey Jones")
    create_user(intake.db, "ada", PASSWORD, role="admin", display_name="Ada Admin")
    # The module signs in a dozen times a minute; the limit itself is tested in
    # test_rate_limits.py.
    app = create_app({"INTAKE_SETTINGS": settings, "RATELIMIT_LOGIN": "200 per minute"})
    server = create_server(app, host="127.0.0.1", port=0, threads=6)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    worker = WorkerProcess(settings, tmp / "worker.log").start(intake)
    try:
        for name in BACKGROUND:
            with app.app_context():
                accept(
                    intake.db,
                    intake.store,
                    (SAMPLES / name).read_bytes(),
                    filename=name,
                    channel="api" if "acroform" in name else "email",
                    received_on=RECEIVED,
                    sender="practice@nhs.example" if "acroform" not in name else None,
                    max_bytes=settings.max_upload_bytes,
                    after_commit=enqueue,
                )
        yield Live(f"http://127.0.0.1:{server.effective_port}", intake, tmp)
    finally:
        worker.stop()
        server.close()
        intake.db.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(**CONTEXT)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []

    def console(message) -> None:
        # A CSP violation or script error shows up as a console error; a page
        # answered 404 on purpose is checked by its test.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def response(answer) -> None:
        if answer.status >= 400 and answer.request.resource_type not in ("document", "fetch"):
            errors.append(f"{answer.status} {answer.url}")

    page.on("console", console)
    page.on("response", response)
    yield page
    context.close()
    assert not errors, errors


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, live: Live, username: str = "casey", screenshot: bool = False) -> None:
    page.goto(f"{live.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    if screenshot:
        shot(page, "login")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def upload(page: Page, live: Live, *files: tuple[str, bytes]) -> None:
    """Choose files on the upload page (the caller presses Upload)."""
    page.goto(live.url + "/")
    page.set_input_files(
        "#files",
        [{"name": name, "mimeType": "application/pdf", "buffer": data} for name, data in files],
    )
    expect(page.locator("[data-file-list] li")).to_have_count(len(files))


def test_a_requester_uploads_and_a_caseworker_applies_it_with_a_note(
    live: Live, page: Page, browser: Browser
):
    name, data = dated_today(EXISTING_ADMIN, "review_user_admin_exists.pdf")
    upload(page, live, (name, data))
    shot(page, "upload")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="Your upload")).to_be_visible()
    reference = page.locator("[data-received] strong").first.inner_text()
    assert re.fullmatch(r"UA-\d{4}-\d{6}", reference)
    shot(page, "results")

    page.get_by_role("link", name="Follow its progress").click()
    assert "/status/st_" in page.url
    # The page follows the request by itself: no reload from the test.
    expect(page.locator(".request-card .badge")).to_have_text(
        re.compile("With a caseworker", re.I), timeout=45_000
    )
    expect(page.get_by_text("A PCSE caseworker is checking this request")).to_be_visible()
    expect(page.get_by_text("PL Organisation User Administrator")).to_be_visible()
    assert "PL_UA" not in page.content()
    assert "Audit trail" not in page.content()
    shot(page, "status")

    live.wait_until_decided()
    _age_some_review_cases(live, reference)

    caseworker = browser.new_context(**CONTEXT).new_page()
    sign_in(caseworker, live, screenshot=True)
    expect(caseworker.get_by_role("heading", name="Requests")).to_be_visible()
    with live.intake.db.session() as session:
        total = len(session.scalars(select(Request.id)).all())
    expect(caseworker.locator("table.requests tbody tr")).to_have_count(total)
    shot(caseworker, "dashboard")

    caseworker.get_by_role("link", name="Exception queue", exact=True).click()
    row = caseworker.locator("tr", has_text=reference)
    expect(row).to_be_visible()
    expect(caseworker.locator("tr.escalated")).to_have_count(1)
    shot(caseworker, "exception_queue")

    row.get_by_role("link", name=reference).click()
    expect(caseworker.get_by_role("heading", name=reference)).to_be_visible()
    image = caseworker.locator(".page-image img").first
    expect(image).to_be_visible()
    caseworker.wait_for_function(
        "img => img.complete && img.naturalWidth > 500", arg=image.element_handle()
    )
    expect(caseworker.locator("code.reason-code", has_text="USER_ADMIN_EXISTS")).to_be_visible()
    shot(caseworker, "detail")

    # No note: the browser refuses (required); the server refuses too.
    caseworker.get_by_label("Note (required)").fill(
        "Checked with the practice by phone: the current administrator left in October."
    )
    caseworker.get_by_role("button", name="Apply the role").click()
    expect(caseworker.get_by_text(f"{reference} is now applied.")).to_be_visible()
    expect(caseworker.locator(".detail-head .app-status")).to_have_text(re.compile("Applied", re.I))
    expect(caseworker.get_by_text("Caseworker's note:")).to_be_visible()
    trail = caseworker.locator("table.audit")
    expect(trail.get_by_text("Caseworker applied")).to_be_visible()
    expect(trail.get_by_text("the current administrator left in October")).to_be_visible()
    shot(caseworker, "detail_applied")

    # The requester's page now shows the outcome.
    page.reload()
    expect(page.locator(".request-card .badge")).to_have_text(re.compile("Applied", re.I))
    caseworker.context.close()


def _age_some_review_cases(live: Live, fresh: str) -> None:
    """Back-date one older review case past the limit and escalate it."""
    with live.intake.db.session() as session:
        oldest = session.scalar(
            select(Request.id)
            .where(Request.status == Status.REVIEW, Request.reference != fresh)
            .order_by(Request.id)
        )
        session.execute(
            update(Request)
            .where(Request.id == oldest)
            .values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=9))
        )
    assert oversight.escalate_overdue(live.intake.db, older_than_days=5)


def test_a_requesters_link_shows_only_their_request(live: Live, page: Page, browser: Browser):
    upload(page, live, dated_today(GP_PARTNER, "riverside.pdf"))
    page.get_by_role("button", name="Upload").click()
    mine = page.locator("[data-received] strong").first.inner_text()
    page.get_by_role("link", name="Follow its progress").click()
    my_link = page.url

    other = browser.new_context(**CONTEXT).new_page()
    upload(other, live, ("other.pdf", (SAMPLES / "rejected_org_closed.pdf").read_bytes() + b" "))
    other.get_by_role("button", name="Upload").click()
    theirs = other.locator("[data-received] strong").first.inner_text()
    other.context.close()

    page.goto(my_link)
    expect(page.get_by_role("heading", name=mine)).to_be_visible()
    content = page.content()
    assert theirs not in content
    assert "other.pdf" not in content
    # Another token, a mangled one: nothing but a plain not-found page.
    page.goto(my_link[:-4] + "AAAA")
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    assert mine not in page.content()


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard",
        "/dashboard/queue",
        "/dashboard/audit",
        "/dashboard/requests/UA-2026-000001",
        "/dashboard/requests/UA-2026-000001/pages/0.png",
        "/dashboard/requests/UA-2026-000001/file",
        "/admin/tokens",
    ],
)
def test_a_logged_out_visitor_is_sent_to_sign_in(live: Live, page: Page, path: str):
    page.goto(live.url + path)

    assert page.url.startswith(f"{live.url}/login")
    expect(page.get_by_role("heading", name="Caseworker sign in")).to_be_visible()
    assert "UA-2026-000001" not in page.locator("main").inner_text()


def test_a_logged_out_visitor_gets_401_from_the_api(live: Live, page: Page):
    for path in ("/api/v1/submissions/UA-2026-000001",):
        response = page.request.get(live.url + path)
        assert response.status == 401
        assert response.json()["error"]["code"] == "UNAUTHORISED"
    assert page.request.get(live.url + "/api/v1/openapi.json").status == 200


def test_a_caseworker_records_a_second_look(live: Live, page: Page):
    live.wait_until_decided()
    with live.intake.db.session() as session:
        applied = session.scalars(
            select(Request)
            .where(Request.status == Status.APPLIED, Request.decided_by == "system")
            .order_by(Request.id)
        ).all()
        for request in applied:
            oversight.maybe_sample(session, request, share=1.0)
    sign_in(page, live)
    page.get_by_role("link", name="Second looks", exact=True).click()
    rows = page.locator("table.second-looks tbody tr")
    expect(rows).to_have_count(len(applied))
    shot(page, "audit_queue")

    first = rows.first
    reference = first.locator("a").first.inner_text()
    first.get_by_label("Agree", exact=True).check()
    first.get_by_placeholder("What you checked").fill("Authoriser confirmed on the partner list.")
    first.get_by_role("button", name="Record").click()
    expect(page.get_by_text(f"Second look at {reference} recorded.")).to_be_visible()
    expect(page.locator("table.second-looks tbody tr")).to_have_count(len(applied) - 1)


def test_a_caseworker_resolves_a_directory_conflict(live: Live, page: Page):
    stale = live.tmp / "stale-directory"
    shutil.copytree(SAMPLES / "directory", stale)
    with open(stale / "user_admins.csv", "a", encoding="utf-8") as holders:
        holders.write("A81009,PL_UA,Fifth Holder,fifth.holder@nhs.net,active\n")
    summary = import_directory(live.intake.db, stale)  # A81009 has four already
    assert [line.split(":")[0] for line in summary.conflicts] == ["conflict"]

    sign_in(page, live)
    page.get_by_role("link", name="Directory conflicts", exact=True).click()
    row = page.locator("table.conflicts tbody tr", has_text="fifth.holder@nhs.net")
    expect(row).to_contain_text("held back, not active")
    shot(page, "directory_conflicts")
    row.get_by_placeholder("What you checked and did").fill("Asked the practice to remove one.")
    row.get_by_role("button", name="Resolve").click()

    expect(
        page.get_by_text("Conflict about fifth.holder@nhs.net at A81009 resolved.")
    ).to_be_visible()
    expect(page.get_by_text("No open conflicts.")).to_be_visible()


def test_an_admin_creates_an_api_token_shown_once(live: Live, page: Page):
    sign_in(page, live, "ada")
    page.get_by_role("link", name="Admin", exact=True).click()
    page.get_by_label("New token's name").fill("email-bridge")
    page.get_by_label("What it may do").select_option("reader")  # it reads every request
    page.get_by_role("button", name="Create token").click()
    token = page.locator("[data-new-token]").inner_text()
    assert token.startswith("itk_")
    response = page.request.get(
        live.url + "/api/v1/submissions/UA-2026-000001",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status == 200
    shot(page, "admin_tokens")

    page.goto(live.url + "/admin/tokens")
    assert token not in page.content()


# --- Accessibility: every page and state, WCAG 2.2 A and AA, three widths ---

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1366, 390, 320)
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def accessibility_problems(page: Page, name: str) -> list[str]:
    """axe-core's WCAG 2.2 A and AA violations on the page as it stands, and
    any sideways overflow, at each of :data:`WIDTHS` (the page is not
    reloaded: a state reached by a form stays as it is)."""
    assert AXE.is_file(), "make install puts axe-core in node_modules (package.json)"
    if not page.evaluate("typeof axe === 'object'"):
        page.evaluate("(source) => { (0, eval)(source); }", AXE.read_text(encoding="utf-8"))
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(50)  # layout settles
        found = page.evaluate(
            """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})
                .then(r => r.violations.map(v => v.id + ' at ' +
                      v.nodes.map(n => n.target.join(' ')).join(', ')))""",
            WCAG,
        )
        problems += [f"{name} @{width}px: {violation}" for violation in found]
        wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wider > 0:
            problems.append(f"{name} @{width}px: the page is {wider}px wider than the screen")
        if width != 320:
            shot(page, name if width == 1366 else f"{name}_phone")
    page.set_viewport_size(CONTEXT["viewport"])
    return problems


def test_every_page_and_state_meets_wcag_2_2_aa_at_three_widths(
    live: Live, page: Page, browser: Browser
):
    problems: list[str] = []

    def visit(path: str, name: str) -> None:
        page.goto(live.url + path)
        problems.extend(accessibility_problems(page, name))

    for path, name in [
        ("/", "upload"),
        ("/accessibility", "accessibility"),
        ("/form", "download_form"),
        ("/login", "login"),
        ("/no-such-page", "not_found"),
        ("/status/st_not-a-real-link", "link_not_found"),
    ]:
        visit(path, name)
    page.get_by_role("link", name="Caseworker sign in").first.click()
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    problems.extend(accessibility_problems(page, "login_refused"))

    upload(page, live, dated_today(GP_PARTNER, "accessible.pdf"))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("main h1")).to_be_visible()
    problems.extend(accessibility_problems(page, "results"))
    page.get_by_role("link", name="Follow its progress").click()
    problems.extend(accessibility_problems(page, "status"))

    live.wait_until_decided()
    sign_in(page, live, "ada")
    with live.intake.db.session() as session:
        by_status = {
            status: session.scalar(
                select(Request.reference).where(Request.status == status).order_by(Request.id)
            )
            for status in (Status.REVIEW, Status.APPLIED, Status.REJECTED)
        }
    for path, name in [
        ("/dashboard", "dashboard"),
        ("/dashboard?status=review&q=a", "dashboard_filtered"),
        ("/dashboard/queue", "exception_queue"),
        ("/dashboard/audit", "audit_queue"),
        ("/dashboard/directory-conflicts", "directory_conflicts_page"),
        ("/dashboard/statistics", "statistics"),
        (f"/dashboard/requests/{by_status[Status.APPLIED]}", "detail_applied_request"),
        (f"/dashboard/requests/{by_status[Status.REJECTED]}", "detail_rejected"),
        ("/admin/tokens", "admin_tokens_page"),
        ("/admin/users", "admin_users"),
        ("/admin/leavers", "admin_leavers"),
        ("/account/password", "account_password"),
    ]:
        visit(path, name)
    visit(f"/dashboard/requests/{by_status[Status.REVIEW]}", "detail_review")
    page.get_by_role("button", name="Apply the role").click()  # no note: refused
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    problems.extend(accessibility_problems(page, "detail_refused"))

    assert problems == [], "\n".join(problems)


def focused(page: Page) -> str:
    """The focused element: its tag, id and text, and whether focus shows."""
    return page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
            const shows = s.outlineStyle !== 'none' && s.outlineWidth !== '0px'
                || s.boxShadow !== 'none' || s.backgroundColor === 'rgb(255, 235, 59)';
            return [e.tagName.toLowerCase(), e.id, (e.innerText || e.value || '').trim()
                    .slice(0, 40), shows ? 'visible' : 'NOT VISIBLE'].join('|'); }"""
    )


def test_the_upload_page_works_from_the_keyboard(live: Live, page: Page):
    page.goto(live.url + "/")
    page.keyboard.press("Tab")
    assert focused(page).startswith("a||Skip to main content|visible")
    page.keyboard.press("Enter")
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if seen[-1].startswith("input|files|"):
            break
    assert seen[-1].startswith("input|files|"), seen  # the first control after the skip
    assert all(entry.endswith("|visible") for entry in seen), seen
    page.set_input_files(
        "#files",
        [
            {
                "name": "kb.pdf",
                "mimeType": "application/pdf",
                "buffer": dated_today(GP_PARTNER, "kb.pdf")[1],
            }
        ],
    )
    while not focused(page).startswith("button|"):
        page.keyboard.press("Tab")
    assert "Upload" in focused(page) and focused(page).endswith("|visible")
    page.keyboard.press("Enter")
    expect(page.locator("[data-received] strong").first).to_have_text(re.compile(r"UA-\d{4}-\d{6}"))


def test_a_decision_works_from_the_keyboard_and_focus_goes_to_the_error(live: Live, page: Page):
    live.wait_until_decided()
    with live.intake.db.session() as session:
        reference = session.scalar(
            select(Request.reference)
            .where(Request.status == Status.REVIEW)
            .order_by(Request.id.desc())
        )
    sign_in(page, live)
    page.goto(f"{live.url}/dashboard/requests/{reference}")
    page.get_by_role("button", name="Apply the role").focus()
    page.keyboard.press("Enter")  # no note

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    assert focused(page).startswith("a||A note is required")
    page.keyboard.press("Enter")
    expect(page.locator("#note")).to_be_focused()
    page.keyboard.type("Checked with the practice: the holder left.")
    while not focused(page).startswith("button||Reject"):
        page.keyboard.press("Tab")
    assert focused(page).endswith("|visible")
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"{reference} is now rejected.")).to_be_visible()


def test_a_caseworker_claims_a_case_and_rejects_it_with_a_message_the_requester_reads(
    live: Live, page: Page, browser: Browser
):
    # A nominee of its own, so the case waits for a caseworker whichever test ran first.
    someone = {"nominee_name": "Zara Quinn", "nominee_email": "zara.quinn@nhs.net"}
    sample = dataclasses.replace(EXISTING_ADMIN, values={**EXISTING_ADMIN.values, **someone})
    upload(page, live, dated_today(sample, "claimed.pdf"))
    page.get_by_role("button", name="Upload").click()
    reference = page.locator("[data-received] strong").first.inner_text()
    page.get_by_role("link", name="Follow its progress").click()
    expect(page.locator(".request-card [data-tag]")).to_have_text(
        re.compile("caseworker", re.I), timeout=45_000
    )
    status_link = page.url

    caseworker = browser.new_context(**CONTEXT).new_page()
    sign_in(caseworker, live)
    caseworker.goto(f"{live.url}/dashboard?q={reference}")
    caseworker.get_by_role("link", name=reference).click()
    expect(
        caseworker.get_by_text("Check: Ask the organisation whether the holders")
    ).to_be_visible()
    caseworker.get_by_role("button", name="Work on this case").click()
    expect(caseworker.get_by_text("You are working on this case")).to_be_visible()
    caseworker.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Exception queue"
    ).click()
    expect(caseworker.locator("tr", has_text=reference)).to_contain_text("casey")

    caseworker.get_by_role("link", name=reference).click()
    caseworker.get_by_label("Note (required)").fill("Rang the practice manager on Tuesday.")
    caseworker.get_by_label("Message to the requester (optional)").fill(
        "Ian Moore is still your PL Organisation User Administrator."
    )
    caseworker.get_by_role("button", name="Reject").click()
    expect(caseworker.get_by_text(f"{reference} is now rejected.")).to_be_visible()
    caseworker.context.close()

    page.goto(status_link)
    expect(page.get_by_text("Ian Moore is still your PL Organisation")).to_be_visible()
    assert "Rang the practice manager" not in page.content()
    page.get_by_role("link", name=re.compile("Send a corrected form")).click()
    expect(page.get_by_role("heading", name="Send a corrected form")).to_be_visible()
    expect(page.locator("[data-corrects]")).to_contain_text(reference)


def test_a_photo_named_pdf_is_answered_at_once(live: Live, page: Page):
    page.goto(live.url + "/")
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)
    page.set_input_files(
        "#files", [{"name": "form.pdf", "mimeType": "application/pdf", "buffer": jpeg}]
    )
    page.get_by_role("button", name="Upload").click()

    expect(page.locator("[data-not-a-pdf]")).to_contain_text("JPEG")
    expect(page.locator("[data-not-a-pdf]")).to_contain_text("scan the form as a PDF")


def test_an_admin_manages_accounts_and_a_caseworker_changes_their_password(
    live: Live, page: Page, browser: Browser
):
    create_user(live.intake.db, "sam", PASSWORD, display_name="Sam Smith")
    sign_in(page, live, "ada")
    page.goto(live.url + "/admin/users")
    row = page.locator("tr", has_text="sam")
    row.get_by_label("Role of sam").select_option("admin")
    row.get_by_role("button", name=re.compile("Change role")).click()
    expect(page.locator("tr", has_text="sam")).to_contain_text("Admin")

    caseworker = browser.new_context(**CONTEXT).new_page()
    sign_in(caseworker, live, "sam")
    caseworker.get_by_role("link", name="Sam Smith").click()
    caseworker.get_by_label("Current password").fill(PASSWORD)
    caseworker.get_by_label("New password", exact=True).fill("a much longer new password")
    caseworker.get_by_label("New password again").fill("a much longer new password")
    caseworker.get_by_role("button", name="Change your password").click()
    expect(caseworker.get_by_text(re.compile("password has been changed", re.I))).to_be_visible()
    caseworker.context.close()


def test_a_caseworker_exports_the_filtered_list_and_reads_the_statistics(live: Live, page: Page):
    live.wait_until_decided()
    sign_in(page, live)
    page.goto(live.url + "/dashboard?status=rejected")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download as CSV")).click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("Reference,Status,")
    assert len(lines) > 1 and all(",rejected," in line for line in lines[1:])

    page.get_by_role("link", name="Statistics", exact=True).first.click()
    expect(page.get_by_role("heading", name="Statistics")).to_be_visible()
    expect(page.locator("table").first).to_be_visible()
