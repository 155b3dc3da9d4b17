import datetime as dt
import html
import re

import pytest
from sqlalchemy import select, update

from intake import workers
from intake.audit import AuditEvent
from intake.decisions import casework
from intake.decisions.oversight import escalate_overdue, maybe_sample
from intake.directory.models import DirectoryConflict, RoleHolder
from intake.directory.services import import_directory
from intake.submissions.models import Request, Submission
from intake.submissions.queries import by_reference
from sample_forms.catalogue import CLOSED_ORG, EXISTING_ADMIN, MAIN_CONTACT_UPDATE
from sample_forms.scenarios import RECEIVED
from tests.conftest import ROOT
from web.dashboard import PAGE_SIZE

REASON = {
    "code": "ORG_CLOSED",
    "field": "org_code",
    "message": "The organisation is closed.",
    "action": "Check the organisation code.",
}
EXISTS = {
    "code": "USER_ADMIN_EXISTS",
    "field": "role",
    "message": "The organisation already has an active holder of this role.",
    "action": "Ask the current holder.",
}

DASHBOARD_PAGES = [
    "/dashboard",
    "/dashboard/queue",
    "/dashboard/audit",
    "/dashboard/directory-conflicts",
    "/dashboard/requests/UA-2026-000001",
    "/dashboard/requests/UA-2026-000001/pages/0.png",
    "/dashboard/requests/UA-2026-000001/file",
    "/admin/tokens",
    "/admin/leavers",
    "/admin/users",
    "/admin/users/1/password",
    "/account/password",
]


@pytest.mark.parametrize("path", DASHBOARD_PAGES)
def test_a_logged_out_visitor_is_sent_to_sign_in(client, make_request, path):
    make_request(status="review")

    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/requests/UA-2026-000001/decision",
        "/dashboard/audit/UA-2026-000001",
        "/admin/tokens",
        "/admin/tokens/1/revoke",
        "/admin/users/1/active",
        "/admin/users/1/role",
        "/admin/users/1/password",
        "/account/password",
    ],
)
def test_a_logged_out_visitor_cannot_post_either(client, make_request, intake, path):
    reference = make_request(status="review")

    response = client.post(path, data={"decision": "reject", "note": "x", "name": "x"})

    assert response.status_code == 302
    with intake.db.session() as session:
        assert by_reference(session, reference).status == "review"


def test_signing_out_ends_access(auth):
    auth.login()
    assert auth.client.get("/dashboard").status_code == 200

    auth.logout()

    assert auth.client.get("/dashboard").status_code == 302


# --- The list ---


def test_the_dashboard_lists_requests_newest_first(caseworker, make_request):
    older = make_request(fields={"org_code": "A81001", "nominee_name": "Sarah Collins"})
    newer = make_request(fields={"org_code": "B82002", "nominee_name": "Tom Reid"})

    page = caseworker.get("/dashboard").get_data(as_text=True)

    assert page.index(newer) < page.index(older)
    assert "A81001" in page and "Sarah Collins" in page


def test_the_dashboard_shows_reason_codes_and_channel(caseworker, make_request):
    make_request(filename="closed.pdf", channel="api", status="rejected", reasons=[REASON])

    page = caseworker.get("/dashboard").get_data(as_text=True)

    assert "ORG_CLOSED" in page
    assert ">API<" in page


def test_an_applied_request_shows_no_review_code_in_the_list(caseworker, make_request):
    make_request(status="applied", reasons=[EXISTS])  # a caseworker applied it over the review

    page = caseworker.get("/dashboard").get_data(as_text=True)
    table = re.search(r"<tbody>.*?</tbody>", page, re.S).group(0)

    assert "USER_ADMIN_EXISTS" not in table


def test_the_dashboard_filters_by_status(caseworker, make_request):
    rejected = make_request(status="rejected", reasons=[REASON])
    applied = make_request(status="applied")

    page = caseworker.get("/dashboard?status=rejected").get_data(as_text=True)

    assert rejected in page
    assert applied not in page


def test_the_dashboard_filters_by_reason_code(caseworker, make_request):
    closed = make_request(status="rejected", reasons=[REASON])
    exists = make_request(status="review", reasons=[EXISTS])
    # A message that quotes a code does not count as having it.
    quoting = make_request(
        status="review", reasons=[{**EXISTS, "message": 'not "code": "ORG_CLOSED"'}]
    )

    page = caseworker.get("/dashboard?reason=ORG_CLOSED").get_data(as_text=True)

    assert closed in page
    assert exists not in page
    assert quoting not in page


def test_the_dashboard_filters_by_organisation_channel_and_date(caseworker, make_request, intake):
    a = make_request(channel="email", fields={"org_code": "A81001"})
    b = make_request(channel="api", fields={"org_code": "B82002"})
    with intake.db.session() as session:
        session.execute(
            update(Submission)
            .where(Submission.id == by_reference(session, a).submission_id)
            .values(received_on=dt.date(2026, 1, 15))
        )

    by_org = caseworker.get("/dashboard?org=a81001").get_data(as_text=True)
    by_channel = caseworker.get("/dashboard?channel=api").get_data(as_text=True)
    by_date = caseworker.get("/dashboard?from=2026-01-01&to=2026-01-31").get_data(as_text=True)

    assert a in by_org and b not in by_org
    assert b in by_channel and a not in by_channel
    assert a in by_date and b not in by_date


def test_unknown_filter_values_are_ignored(caseworker, make_request):
    reference = make_request(status="applied")

    page = caseworker.get(
        "/dashboard?status=bogus&reason=NOPE&channel=pigeon&from=yesterday&before=x"
    ).get_data(as_text=True)

    assert reference in page


def test_the_dashboard_counts_requests_per_status(caseworker, make_request):
    make_request(status="review")
    make_request(status="review")
    make_request(status="applied")

    page = caseworker.get("/dashboard").get_data(as_text=True)

    review_tab = page.split("status-tab-review")[1].split("</a>")[0]
    assert '<span class="count">2</span>' in review_tab
    assert 'All <span class="count">3</span>' in page


def test_the_dashboard_searches_by_org_code_email_name_or_reference(caseworker, make_request):
    riverside = make_request(
        fields={"org_code": "A81001", "nominee_email": "sarah@nhs.example", "nominee_name": "Sarah"}
    )
    hillside = make_request(
        fields={
            "org_code": "B82002",
            "nominee_email": "tom@nhs.example",
            "nominee_name": "Tom Reid",
        }
    )

    by_org = caseworker.get("/dashboard?q=a81001").get_data(as_text=True)
    by_email = caseworker.get("/dashboard?q=TOM@").get_data(as_text=True)
    by_name = caseworker.get("/dashboard?q=reid").get_data(as_text=True)
    by_reference = caseworker.get(f"/dashboard?q={riverside.lower()}").get_data(as_text=True)

    assert riverside in by_org and hillside not in by_org
    assert hillside in by_email and riverside not in by_email
    assert hillside in by_name and riverside not in by_name
    assert riverside in by_reference and hillside not in by_reference


def test_a_search_treats_wildcards_literally(caseworker, make_request):
    make_request(fields={"org_code": "A81001"})

    page = caseworker.get("/dashboard?q=%25").get_data(as_text=True)

    assert "No requests match." in page


def test_the_dashboard_pages_through_many_requests_by_keyset(caseworker, make_request):
    references = [make_request() for _ in range(PAGE_SIZE + 2)]

    first = caseworker.get("/dashboard").get_data(as_text=True)
    older_link = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = caseworker.get(older_link).get_data(as_text=True)
    newer_link = re.search(r'rel="prev" href="([^"]+)"', second).group(1).replace("&amp;", "&")
    back = caseworker.get(newer_link).get_data(as_text=True)

    assert references[-1] in first and references[1] not in first
    assert "before=" in older_link
    assert references[0] in second and references[1] in second and references[-1] not in second
    assert 'rel="next"' not in second
    assert "after=" in newer_link
    assert references[-1] in back and references[2] in back and references[1] not in back
    assert 'rel="prev"' not in back


def test_keyset_pages_keep_the_filters(caseworker, make_request):
    for _ in range(PAGE_SIZE + 1):
        make_request(status="rejected", reasons=[REASON])

    first = caseworker.get("/dashboard?status=rejected&reason=ORG_CLOSED").get_data(as_text=True)

    link = re.search(r'rel="next" href="([^"]+)"', first).group(1)
    assert "status=rejected" in link and "reason=ORG_CLOSED" in link


# --- The queues ---


def test_the_exception_queue_lists_review_requests_oldest_first_with_their_age(
    caseworker, make_request, intake
):
    old = make_request(status="review", reasons=[EXISTS])
    new = make_request(status="review")
    make_request(status="applied")
    with intake.db.session() as session:
        session.execute(
            update(Request)
            .where(Request.reference == old)
            .values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=8))
        )
    escalate_overdue(intake.db, older_than_days=5)

    page = caseworker.get("/dashboard/queue").get_data(as_text=True)

    assert page.index(old) < page.index(new)
    assert "8 days" in page and "0 days" in page
    assert page.count('class="escalated"') == 1
    assert "Overdue" in page
    assert "2 requests waiting" in page


def test_the_audit_queue_lists_sampled_requests_and_records_a_second_look(
    caseworker, make_request, intake
):
    sampled = make_request(status="applied", fields={"org_code": "A81001"})
    other = make_request(status="applied")
    with intake.db.session() as session:
        assert maybe_sample(session, by_reference(session, sampled), share=1.0)

    page = caseworker.get("/dashboard/audit").get_data(as_text=True)
    assert sampled in page and other not in page

    response = caseworker.post(
        f"/dashboard/audit/{sampled}", data={"outcome": "disagree", "note": "Wrong partner."}
    )

    assert response.status_code == 302
    with intake.db.session() as session:
        request = by_reference(session, sampled)
        assert request.second_look_outcome == "disagree"
        assert request.second_look_by == "casey"
    page = caseworker.get("/dashboard/audit").get_data(as_text=True)
    assert "Recently recorded" in page and "Wrong partner." in page


def test_a_second_look_needs_a_note(caseworker, make_request, intake):
    sampled = make_request(status="applied")
    with intake.db.session() as session:
        maybe_sample(session, by_reference(session, sampled), share=1.0)

    response = caseworker.post(
        f"/dashboard/audit/{sampled}", data={"outcome": "agree", "note": " "}, follow_redirects=True
    )

    assert "A note is required" in response.get_data(as_text=True)
    with intake.db.session() as session:
        assert by_reference(session, sampled).second_look_at is None


# --- One request ---


def test_the_detail_page_shows_submission_reasons_and_audit_trail(caseworker, make_request):
    reference = make_request(
        filename="riverside.pdf",
        channel="api",
        status="rejected",
        reasons=[REASON],
        fields={"org_code": "Z89999"},
        confidence={"org_code": 1.0},
    )

    page = caseworker.get(f"/dashboard/requests/{reference}").get_data(as_text=True)

    assert "riverside.pdf" in page
    assert "ORG_CLOSED" in page and "The organisation is closed." in page
    assert "Check the organisation code." in page
    assert "Z89999" in page
    assert "SHA-256" in page
    assert "Audit trail" in page
    assert "sha256" in page  # the audit event's detail


def test_an_unknown_reference_has_a_not_found_page(caseworker):
    response = caseworker.get("/dashboard/requests/UA-1")

    assert response.status_code == 404
    assert "Request not found" in response.get_data(as_text=True)


def test_the_detail_page_highlights_low_confidence_fields(caseworker, make_request):
    reference = make_request(
        status="review",
        fields={"org_name": "Riverside Surgery", "nominee_name": "Sarah Colins"},
        confidence={"org_name": 1.0, "nominee_name": 0.55},
    )

    page = caseworker.get(f"/dashboard/requests/{reference}").get_data(as_text=True)

    low_row = page.split('<tr class="low-confidence">')[1].split("</tr>")[0]
    assert "Sarah Colins" in low_row and "55%" in low_row


def sample_pdf(name: str = "review_user_admin_exists.pdf") -> bytes:
    return (ROOT / "sample_forms" / name).read_bytes()


def test_the_detail_page_shows_the_form_page_rendered_on_the_server(
    caseworker, make_request, settings
):
    reference = make_request(data=sample_pdf(), status="review", pages=[0])

    page = caseworker.get(f"/dashboard/requests/{reference}").get_data(as_text=True)
    image = caseworker.get(f"/dashboard/requests/{reference}/pages/0.png")

    assert f'src="/dashboard/requests/{reference}/pages/0.png"' in page
    assert image.status_code == 200
    assert image.mimetype == "image/png"
    assert image.data.startswith(b"\x89PNG")
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert list((settings.data_dir / "previews").glob("*-0.png"))
    assert caseworker.get(f"/dashboard/requests/{reference}/pages/7.png").status_code == 404


def test_a_file_that_is_not_a_pdf_has_a_placeholder_instead_of_an_image(caseworker, make_request):
    reference = make_request(data=sample_pdf("rejected_not_a_pdf.pdf"), status="rejected")

    page = caseworker.get(f"/dashboard/requests/{reference}").get_data(as_text=True)

    assert "No page image" in page
    assert "/pages/0.png" not in page
    assert caseworker.get(f"/dashboard/requests/{reference}/pages/0.png").status_code == 404


def test_an_unreadable_pdf_has_no_image(caseworker, make_request):
    reference = make_request(data=sample_pdf("rejected_truncated.pdf")[:400], status="rejected")

    assert caseworker.get(f"/dashboard/requests/{reference}/pages/0.png").status_code == 404


@pytest.mark.parametrize(
    ("name", "mimetype", "suffix"),
    [
        ("review_user_admin_exists.pdf", "application/pdf", ".pdf"),
        ("rejected_not_a_pdf.pdf", "application/octet-stream", ".bin"),
    ],
)
def test_the_original_file_downloads_as_an_attachment(
    caseworker, make_request, name, mimetype, suffix
):
    reference = make_request(data=sample_pdf(name), filename=name)

    response = caseworker.get(f"/dashboard/requests/{reference}/file")

    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert f'{suffix}"' in response.headers["Content-Disposition"] or response.headers[
        "Content-Disposition"
    ].endswith(suffix)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == sample_pdf(name)


# --- Deciding ---


@pytest.fixture
def review_request(make_request, intake):
    """A real review request (USER_ADMIN_EXISTS) against the sample directory."""
    import_directory(intake.db, ROOT / "sample_forms" / "directory")

    def make(scenario=EXISTING_ADMIN, reasons=(EXISTS,)) -> str:
        fields = scenario.fields()
        reference = make_request(
            status="review",
            fields=fields,
            confidence={k: 1.0 for k in fields},
            reasons=list(reasons),
        )
        with intake.db.session() as session:
            request = by_reference(session, reference)
            request.role_code = fields["role"]
            request.submission.received_on = RECEIVED
        return reference

    return make


def test_a_caseworker_applies_a_review_request_with_a_note(caseworker, review_request, intake):
    reference = review_request()

    response = caseworker.post(
        f"/dashboard/requests/{reference}/decision",
        data={"decision": "apply", "note": "Checked: the old administrator left."},
        follow_redirects=True,
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"{reference} is now applied." in page
    assert "Caseworker applied" in page
    assert "Checked: the old administrator left." in page
    with intake.db.session() as session:
        request = by_reference(session, reference)
        assert request.status == "applied"
        assert request.decided_by == "casey"


class _NewMainContact:
    """The Main Contact Update sample asked as a New: the practice has one."""

    @staticmethod
    def fields():
        return {**MAIN_CONTACT_UPDATE.fields(), "request_type": "New"}


def test_the_caseworker_sees_who_a_new_main_contact_replaces_before_applying(
    caseworker, review_request, intake
):
    reference = review_request(_NewMainContact)
    nominee = _NewMainContact.fields()["nominee_email"]

    page = caseworker.get(f"/dashboard/requests/{reference}").get_data(as_text=True)
    caseworker.post(
        f"/dashboard/requests/{reference}/decision",
        data={"decision": "apply", "note": "Linda Hall retired."},
    )
    after = caseworker.get(f"/dashboard/requests/{reference}").get_data(as_text=True)

    replaced = re.search(r'<div class="nhsuk-inset-text" id="replaced">(.*?)</div>', page, re.S)
    assert replaced, page
    text = " ".join(re.sub(r"<[^>]+>", " ", replaced.group(1)).split())
    assert text == (
        "Applying this replaces Linda Hall (linda.hall@nhs.net) as Main Contact, in the same step."
    )
    assert 'id="replaced"' not in after  # decided: nothing left to replace
    with intake.db.session() as session:
        holders = (
            session.execute(
                select(RoleHolder.email).where(
                    RoleHolder.org_code == "A81004",
                    RoleHolder.role_code == "MAIN_CONTACT",
                    RoleHolder.status == "active",
                )
            )
            .scalars()
            .all()
        )
    assert holders == [nominee]


def test_a_decision_without_a_note_is_refused(caseworker, review_request, intake):
    reference = review_request()

    response = caseworker.post(
        f"/dashboard/requests/{reference}/decision", data={"decision": "apply", "note": "  "}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"<title>Error: {reference} – " in page
    summary = re.search(r'<div class="nhsuk-error-summary".*?</div>\s*</div>', page, re.S).group(0)
    assert '<a href="#note">A note is required' in summary
    note = re.search(r"<textarea[^>]*>", page).group(0)
    assert 'aria-invalid="true"' in note and "note-error" in note
    assert 'id="note-error"' in page
    with intake.db.session() as session:
        assert by_reference(session, reference).status == "review"


def test_a_caseworker_rejects_with_a_note(caseworker, review_request, intake):
    reference = review_request()

    caseworker.post(
        f"/dashboard/requests/{reference}/decision",
        data={"decision": "reject", "note": "The current administrator is still there."},
    )

    with intake.db.session() as session:
        assert by_reference(session, reference).status == "rejected"


def test_corrections_go_through_the_same_apply_path(caseworker, review_request, intake):
    reference = review_request()

    caseworker.post(
        f"/dashboard/requests/{reference}/decision",
        data={
            "decision": "apply",
            "note": "Name corrected from the signed copy.",
            "fix-nominee_name": "Nina J Brown",
            "fix-nominee_email": "",
            "fix-signature": "",
        },
    )

    with intake.db.session() as session:
        request = by_reference(session, reference)
        assert request.status == "applied"
        assert request.fields["nominee_name"] == "Nina J Brown"
        event = session.scalar(
            select(AuditEvent).where(
                AuditEvent.request_id == request.id, AuditEvent.event == "caseworker applied"
            )
        )
        assert event.detail["corrections"] == {
            "nominee_name": {"read": "Nina Brown", "corrected": "Nina J Brown"}
        }
    page = caseworker.get(f"/dashboard/requests/{reference}").get_data(as_text=True)
    corrected = re.search(r'<section[^>]*id="corrections".*?</section>', page, re.S).group(0)
    text = " ".join(re.sub(r"<[^>]+>", " ", corrected).split())
    assert "Nominee full name The form said: Nina Brown Corrected to: Nina J Brown" in text


def test_a_hard_limit_is_shown_before_trying_and_enforced(caseworker, review_request, intake):
    reference = review_request(CLOSED_ORG, reasons=(REASON,))

    page = caseworker.get(f"/dashboard/requests/{reference}").get_data(as_text=True)
    assert "Cannot be applied" in page
    assert re.search(r'value="apply"\s+disabled', page)

    response = caseworker.post(
        f"/dashboard/requests/{reference}/decision",
        data={"decision": "apply", "note": "Trying anyway."},
    )

    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "cannot be applied" in text
    assert "ORG_CLOSED" in text.split("Not done")[1]
    with intake.db.session() as session:
        assert by_reference(session, reference).status == "review"


def test_a_decided_request_has_no_decision_form(caseworker, make_request):
    reference = make_request(status="applied")

    page = caseworker.get(f"/dashboard/requests/{reference}").get_data(as_text=True)

    assert "/decision" not in page


def test_a_banner_says_so_when_no_worker_is_alive(caseworker, intake):
    page = caseworker.get("/dashboard").get_data(as_text=True)
    assert "data-no-worker" in page and "No worker is running" in page

    workers.beat(intake.db, "worker@test", intake.settings.queue)

    assert "data-no-worker" not in caseworker.get("/dashboard").get_data(as_text=True)


def test_the_public_pages_show_no_worker_banner(client):
    assert "data-no-worker" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("bomb", ["flate", "nested flate"])
def test_previewing_a_decompression_bomb_keeps_the_web_process_flat(caseworker, make_request, bomb):
    import resource
    import time

    from tests.hostile import pdfs
    from web import previews

    make = pdfs.flate_bomb if bomb == "flate" else pdfs.nested_flate_bomb
    good = make_request(data=sample_pdf(), status="review", pages=[0])
    hostile = make_request(data=make(3 << 30), filename="bomb.pdf", status="rejected")
    assert caseworker.get(f"/dashboard/requests/{good}/pages/0.png").status_code == 200
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()

    answer = caseworker.get(f"/dashboard/requests/{hostile}/pages/0.png")

    took = time.monotonic() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert answer.status_code == 404
    assert answer.mimetype == "image/svg+xml" and b"No preview of this page" in answer.data
    assert grown_mb < 20  # the bomb went off in the drawing child, within its limit
    assert took < previews.MAX_DRAW_S + 5
    # The next preview is drawn as usual.
    again = caseworker.get(f"/dashboard/requests/{good}/pages/0.png")
    assert again.status_code == 200


def test_the_dashboard_says_when_the_audit_trail_last_passed_its_check(caseworker, intake):
    from intake import audit

    before = caseworker.get("/dashboard").get_data(as_text=True)
    audit.seal(intake.db, older_than_s=0)
    audit.record_verification(intake.db, audit.verify(intake.db))
    after = caseworker.get("/dashboard").get_data(as_text=True)

    assert "The audit trail has not been checked yet" in before
    assert "The audit trail was last checked and found intact on" in after


def test_a_directory_conflict_is_shown_to_caseworkers_and_resolved_with_a_note(
    caseworker, intake, tmp_path
):
    import_directory(intake.db, ROOT / "sample_forms" / "directory")
    with intake.db.session() as session:
        session.add(
            DirectoryConflict(
                org_code="A81004",
                role_code="MAIN_CONTACT",
                full_name="Olive Other",
                email="olive@nhs.net",
                kind="other_holder",
                detail="the import names another active holder",
            )
        )

    listed = caseworker.get("/dashboard/directory-conflicts").get_data(as_text=True)
    (conflict_id,) = re.findall(r'action="/dashboard/directory-conflicts/(\d+)"', listed)
    refused = caseworker.post(
        f"/dashboard/directory-conflicts/{conflict_id}", data={"note": " "}, follow_redirects=True
    ).get_data(as_text=True)
    resolved = caseworker.post(
        f"/dashboard/directory-conflicts/{conflict_id}",
        data={"note": "Rang the practice: Olive left in 2025; asked them to update ODS."},
        follow_redirects=True,
    ).get_data(as_text=True)

    assert "Olive Other" in listed and "held back, not active" in listed
    assert "A note is required" in refused
    assert "Conflict about olive@nhs.net at A81004 resolved." in resolved
    assert "No open conflicts." in resolved
    assert "Rang the practice" in resolved
    with intake.db.session() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.event == "directory conflict resolved")
        ).one()
    assert (event.actor, event.detail["email"]) == ("casey", "olive@nhs.net")


def test_beside_each_reason_the_caseworker_sees_what_to_check_and_the_records(
    caseworker, review_request
):
    reference = review_request()  # USER_ADMIN_EXISTS: A81007 has a PL administrator

    page = caseworker.get(f"/dashboard/requests/{reference}").get_data(as_text=True)

    reason = re.search(r'<li [^>]*data-reason="USER_ADMIN_EXISTS".*?</li>', page, re.S).group(0)
    text = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", reason).split()))
    assert "Check: Ask the organisation whether the holders below have left" in text
    assert "Active PL Organisation User Administrator Ian Moore <ian.moore@nhs.net>" in text
    assert "The requester was told: Ask the current holder." in text


def test_a_caseworker_claims_a_case_and_the_queue_shows_who_has_it(
    caseworker, review_request, intake
):
    reference = review_request()

    caseworker.post(f"/dashboard/requests/{reference}/case", data={"action": "claim"})
    page = caseworker.get(f"/dashboard/requests/{reference}").get_data(as_text=True)
    queue = caseworker.get("/dashboard/queue").get_data(as_text=True)
    casework.claim(intake.db, reference, actor="sam", take_over=True)  # someone else takes it
    taken = caseworker.get(f"/dashboard/requests/{reference}").get_data(as_text=True)
    refused = caseworker.post(
        f"/dashboard/requests/{reference}/decision",
        data={"decision": "reject", "note": "Checked."},
    ).get_data(as_text=True)

    assert "You are working on this case" in page and 'value="release"' in page
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{reference}.*?</tr>", queue, re.S).group(0)
    assert "<td>casey</td>" in row
    assert "<strong>sam</strong> is working on this case" in taken and 'value="take-over"' in taken
    assert "sam is working on this case: take it over before deciding it." in refused
