import datetime as dt
import io
import re

import pytest

from intake import workers
from intake.db import utcnow
from intake.submissions.models import Request, SubmissionState
from intake.submissions.queries import by_reference

INACTIVE_AUTHORISER = {
    "code": "AUTHORISER_INACTIVE",
    "field": "authoriser_email",
    "message": "The authoriser is listed at this organisation but is no longer active there.",
    "action": "Ask an active GP partner or Caldicott Guardian to sign a new form.",
}


def post_files(client, *files: tuple[bytes, str]):
    return client.post(
        "/upload",
        data={"files": [(io.BytesIO(data), name) for data, name in files]},
        content_type="multipart/form-data",
    )


def test_the_upload_page_offers_a_multi_file_pdf_form(client):
    page = client.get("/").get_data(as_text=True)

    assert 'enctype="multipart/form-data"' in page
    assert 'name="files"' in page
    assert "multiple" in page
    assert 'accept="application/pdf,.pdf"' in page
    assert 'name="received"' not in page


def test_pages_use_local_styles_and_scripts_only(client):
    page = client.get("/").get_data(as_text=True)

    assert "/static/app.css" in page
    assert '<script src="/static/upload.js" defer></script>' in page
    assert "<script>" not in page  # no inline script: the CSP forbids it
    assert "style=" not in page
    for asset in ("app.css", "upload.js", "status.js"):
        assert client.get(f"/static/{asset}").status_code == 200


def test_the_upload_form_carries_a_csrf_token(make_app):
    page = make_app({"WTF_CSRF_ENABLED": True}).test_client().get("/").get_data(as_text=True)

    assert 'name="csrf_token"' in page


def test_the_upload_page_offers_drag_and_drop(client):
    page = client.get("/").get_data(as_text=True)

    assert "data-dropzone" in page
    assert "Drag and drop" in page


STATUS_LINK = re.compile(r'href="(/status/st_[A-Za-z0-9_-]+)"')


def status_links(page: str) -> list[str]:
    return STATUS_LINK.findall(page)


def test_an_uploaded_file_shows_its_reference_and_status_link(client, new_pdf):
    response = post_files(client, (new_pdf(), "surgery.pdf"))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "surgery.pdf" in page
    assert re.search(r"UA-\d{4}-\d{6}", page)
    assert len(status_links(page)) == 1
    assert "/requests/" not in page


def test_each_file_of_a_multi_file_upload_gets_its_own_result(client, new_pdf):
    page = post_files(client, (new_pdf(), "one.pdf"), (new_pdf(), "two.pdf")).get_data(as_text=True)

    assert "one.pdf" in page and "two.pdf" in page
    assert len(set(status_links(page))) == 2


def test_a_file_sent_again_says_it_was_already_received(client, new_pdf):
    data = new_pdf()
    first = post_files(client, (data, "first.pdf")).get_data(as_text=True)

    page = post_files(client, (data, "again.pdf")).get_data(as_text=True)

    assert "We already had this file" in page
    reference = re.search(r"UA-\d{4}-\d{6}", first).group()
    assert reference in page
    link = status_links(page)[0]
    assert reference in client.get(link).get_data(as_text=True)


def test_an_empty_file_is_reported_without_stopping_the_others(client, new_pdf):
    page = post_files(client, (b"", "empty.pdf"), (new_pdf(), "good.pdf")).get_data(as_text=True)

    assert "The file is empty." in page
    assert len(status_links(page)) == 1


def test_a_file_over_the_limit_is_reported_as_too_large(make_app, new_pdf):
    client = make_app(max_upload_bytes=10).test_client()

    page = post_files(client, (new_pdf(), "big.pdf")).get_data(as_text=True)

    assert "This file was not accepted" in page
    assert "the limit is" in page


def test_an_upload_over_the_request_limit_shows_the_upload_page_with_an_error(make_app):
    client = make_app({"MAX_CONTENT_LENGTH": 100}).test_client()

    response = post_files(client, (b"%PDF-" + b"x" * 5000, "huge.pdf"))

    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_an_upload_without_files_asks_for_one(client):
    response = client.post("/upload", data={}, content_type="multipart/form-data")

    assert response.status_code == 400
    assert "Choose at least one PDF file" in response.get_data(as_text=True)


# --- The status link ---


def status_of(client, make_request, reference: str):
    return client.get(f"/status/{make_request.tokens[reference]}")


def test_the_status_page_shows_each_reason_with_its_message_and_action(client, make_request):
    reference = make_request(status="rejected", reasons=[INACTIVE_AUTHORISER])

    page = status_of(client, make_request, reference).get_data(as_text=True)

    assert reference in page
    assert "nhsuk-tag--red" in page
    # The requester's words, made from the reason's code (not the stored text).
    assert "The authoriser is not active at the organisation." in page
    assert "Ask an active GP partner" in page
    assert "Send a corrected form" in page


def test_the_status_page_shows_role_names_not_codes(client, make_request):
    reference = make_request(status="review", fields={"role": "GPP_UA", "org_code": "A81001"})

    page = status_of(client, make_request, reference).get_data(as_text=True)

    assert "GPP Practice User Administrator" in page
    assert "GPP_UA" not in page


def test_the_status_page_follows_a_pending_request_live(client, make_request):
    pending = make_request(status="processing")
    decided = make_request(status="applied")

    live = status_of(client, make_request, pending).get_data(as_text=True)
    done = status_of(client, make_request, decided).get_data(as_text=True)

    assert '<script src="/static/status.js" defer></script>' in live
    assert 'data-pending="true"' in live
    assert '<noscript><meta http-equiv="refresh"' in live
    assert "status.js" not in done
    assert 'http-equiv="refresh"' not in done


def test_the_status_json_says_where_each_request_is(client, make_request):
    reference = make_request(status="processing")
    token = make_request.tokens[reference]

    response = client.get(f"/status/{token}.json")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {
        "pending": True,
        "requests": [
            {
                "reference": reference,
                "status": "processing",
                "status_label": "Being checked",
                "headline": "We are checking your form now.",
                "pending": True,
            }
        ],
    }


def test_the_status_page_highlights_low_confidence_fields(client, make_request):
    reference = make_request(
        status="review",
        fields={"org_name": "Riverside Surgery", "nominee_name": "Sarah Colins"},
        confidence={"org_name": 1.0, "nominee_name": 0.55},
    )

    page = status_of(client, make_request, reference).get_data(as_text=True)

    assert page.count("data-low-confidence") == 1
    low_row = page.split("data-low-confidence")[1].split("</div>")[0]
    assert "Sarah Colins" in low_row


def test_the_status_page_shows_no_audit_detail(client, make_request):
    reference = make_request(status="applied")

    page = status_of(client, make_request, reference).get_data(as_text=True)

    assert "Audit trail" not in page
    assert "sha256" not in page.lower()
    assert "processing started" not in page.lower()


def test_a_status_link_shows_only_its_own_submission(client, make_request):
    mine = make_request(filename="mine.pdf", fields={"nominee_name": "Ann Mine"})
    theirs = make_request(filename="theirs.pdf", fields={"nominee_name": "Tom Theirs"})

    page = status_of(client, make_request, mine).get_data(as_text=True)
    data = client.get(f"/status/{make_request.tokens[mine]}.json").get_json()

    assert mine in page and "mine.pdf" in page and "Ann Mine" in page
    assert theirs not in page and "theirs.pdf" not in page and "Tom Theirs" not in page
    assert [r["reference"] for r in data["requests"]] == [mine]


@pytest.mark.parametrize("token", ["st_nothing", "x" * 200, "UA-2026-000001"])
def test_an_unknown_status_link_reveals_nothing(client, make_request, token):
    reference = make_request()

    response = client.get(f"/status/{token}")
    data = client.get(f"/status/{token}.json")

    assert response.status_code == 404
    assert data.status_code == 404
    page = response.get_data(as_text=True)
    assert "This link does not work" in page
    assert reference not in page and token not in page


def test_requests_are_no_longer_public_by_reference(client, make_request):
    reference = make_request()

    assert client.get(f"/requests/{reference}").status_code == 404


def test_status_pages_are_kept_out_of_caches_and_search_engines(client, make_request):
    reference = make_request()

    response = status_of(client, make_request, reference)

    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_extracted_text_is_escaped_in_the_html(caseworker, make_request):
    reference = make_request(
        status="review",
        fields={"org_name": "<script>alert('x')</script>", "nominee_email": "a@b.example"},
        reasons=[{**INACTIVE_AUTHORISER, "message": "<b>bold</b>"}],
    )
    token = make_request.tokens[reference]

    for url in (f"/status/{token}", f"/dashboard/requests/{reference}", "/dashboard"):
        page = caseworker.get(url).get_data(as_text=True)
        assert "<script>alert" not in page, url
        assert "<b>bold</b>" not in page, url
    page = caseworker.get(f"/status/{token}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


def test_the_status_page_lists_every_form_of_the_same_file(client, intake, make_request):
    reference = make_request()
    with intake.db.session() as session:
        first = by_reference(session, reference)
        session.add(
            Request(submission_id=first.submission_id, form_index=1, reference="UA-2026-900001")
        )

    page = status_of(client, make_request, reference).get_data(as_text=True)

    assert reference in page and "UA-2026-900001" in page
    assert "Your requests" in page


def test_the_health_check_is_ok_with_a_database_a_broker_and_a_live_worker(app, client):
    intake = app.extensions["intake"]
    workers.beat(intake.db, "worker@test", intake.settings.queue)

    response = client.get("/healthz")

    assert response.status_code == 200
    report = response.get_json()
    assert report["status"] == "ok" and report["problems"] == []
    assert (report["database"], report["broker"], report["workers"]) == ("ok", "ok", 1)
    assert report["oldest_undecided_s"] is None


def test_the_health_check_fails_when_no_worker_is_alive(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["workers"] == 0
    assert "no worker" in response.get_json()["problems"][0]


def test_the_health_check_fails_when_work_is_stuck(app, client, make_request):
    intake = app.extensions["intake"]
    workers.beat(intake.db, "worker@test", intake.settings.queue)
    reference = make_request()
    with intake.db.session() as session:
        submission = by_reference(session, reference).submission
        submission.state = SubmissionState.RECEIVED
        submission.received_at = utcnow() - dt.timedelta(seconds=workers.STUCK_AFTER_S + 60)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["oldest_undecided_s"] > workers.STUCK_AFTER_S


def test_the_health_check_fails_when_the_broker_is_unreachable(make_app):
    app = make_app(broker_url="redis://127.0.0.1:9/0")
    intake = app.extensions["intake"]
    workers.beat(intake.db, "worker@test", intake.settings.queue)

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["broker"] == "unreachable"


def test_the_health_check_fails_when_the_database_is_unreachable(make_app, tmp_path):
    app = make_app()
    app.extensions["intake"].db.engine.dispose()
    (tmp_path / "t.sqlite3").unlink()
    (tmp_path / "t.sqlite3").mkdir()  # a folder where the database file should be

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


# --- A file that is not a PDF is answered at once, and kept -------------------------

WORD = b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml word/document.xml"
NOT_PDFS = [
    (WORD, "form.docx", "This is a Word document, not a PDF"),
    (b"Organisation code: A81001\nNominee: Tom Reed\n", "form.txt", "This is a text file"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "photo.jpg", "This is a JPEG photo, not a PDF: scan"),
    (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "form.pdf",
        "This is a PNG image, not a PDF, although",
    ),
]


@pytest.mark.parametrize(("data", "name", "said"), NOT_PDFS)
def test_a_file_that_is_not_a_pdf_is_named_at_once_and_still_recorded(
    client, intake, data, name, said
):
    page = post_files(client, (data, name)).get_data(as_text=True)

    assert said in page
    assert "data-not-a-pdf" in page
    reference = re.search(r"UA-\d{4}-\d{6}", page).group(0)
    with intake.db.session() as session:
        recorded = by_reference(session, reference)
        assert recorded.submission.original_filename == name
        assert recorded.status == "received"  # the worker will decide it NOT_A_PDF


def test_a_pdf_gets_no_not_a_pdf_warning(client, new_pdf):
    page = post_files(client, (new_pdf(), "form.pdf")).get_data(as_text=True)

    assert "data-not-a-pdf" not in page
    assert "data-received" in page


# --- File names are shown safely -----------------------------------------------------

SPOOFED = "x\u202egpj.exe.pdf"


def test_a_bidi_control_in_a_file_name_is_neutralised_on_every_page(client, new_pdf):
    page = post_files(client, (new_pdf(), SPOOFED)).get_data(as_text=True)
    token = re.search(r"/status/(st_[\w-]+)", page).group(1)
    status = client.get(f"/status/{token}").get_data(as_text=True)

    for shown in (page, status):
        assert "\u202e" not in shown
        assert "xgpj.exe.pdf" in shown


# --- Send a corrected form -------------------------------------------------------------


def test_a_rejected_request_offers_a_corrected_form_linked_to_it(client, make_request):
    reference = make_request(status="rejected", reasons=[INACTIVE_AUTHORISER])

    page = status_of(client, make_request, reference).get_data(as_text=True)
    upload = client.get(f"/?corrects={reference}").get_data(as_text=True)

    assert f'href="/?corrects={reference}"' in page
    assert f'name="corrects" value="{reference}"' in upload
    assert "Send a corrected form" in upload


def test_a_corrected_form_is_stored_with_the_reference_it_corrects(
    client, intake, make_request, new_pdf
):
    old = make_request(status="rejected", reasons=[INACTIVE_AUTHORISER])

    page = client.post(
        "/upload",
        data={"files": [(io.BytesIO(new_pdf()), "fixed.pdf")], "corrects": old},
        content_type="multipart/form-data",
    ).get_data(as_text=True)

    new = [ref for ref in re.findall(r"UA-\d{4}-\d{6}", page) if ref != old][0]
    with intake.db.session() as session:
        assert by_reference(session, new).submission.corrects_reference == old


@pytest.mark.parametrize("claimed", ["UA-2026-999999", "not a reference"])
def test_a_correction_of_no_rejected_request_is_kept_without_the_link(
    client, intake, new_pdf, claimed
):
    page = client.post(
        "/upload",
        data={"files": [(io.BytesIO(new_pdf()), "f.pdf")], "corrects": claimed},
        content_type="multipart/form-data",
    ).get_data(as_text=True)

    reference = re.search(r"UA-\d{4}-\d{6}", page.replace(claimed, "")).group(0)
    with intake.db.session() as session:
        assert by_reference(session, reference).submission.corrects_reference is None
