import io

import pytest

from intake.models import Request
from intake.queries import by_reference

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
    assert 'accept="application/pdf"' in page
    assert 'name="received"' not in page


def test_pages_use_the_local_stylesheet_and_no_scripts(client):
    page = client.get("/").get_data(as_text=True)

    assert "/static/app.css" in page
    assert "<script" not in page
    assert "style=" not in page
    assert client.get("/static/app.css").status_code == 200


def test_an_uploaded_file_shows_its_reference_and_status_link(client, new_pdf):
    response = post_files(client, (new_pdf(), "surgery.pdf"))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "surgery.pdf" in page
    assert 'href="/requests/UA-' in page


def test_each_file_of_a_multi_file_upload_gets_its_own_result(client, new_pdf):
    page = post_files(client, (new_pdf(), "one.pdf"), (new_pdf(), "two.pdf")).get_data(as_text=True)

    assert "one.pdf" in page and "two.pdf" in page
    assert page.count('href="/requests/UA-') == 2


def test_a_file_sent_again_says_it_was_already_received(client, new_pdf):
    data = new_pdf()
    post_files(client, (data, "first.pdf"))

    page = post_files(client, (data, "again.pdf")).get_data(as_text=True)

    assert "already received as" in page
    assert 'href="/requests/UA-' in page


def test_an_empty_file_is_reported_without_stopping_the_others(client, new_pdf):
    page = post_files(client, (b"", "empty.pdf"), (new_pdf(), "good.pdf")).get_data(as_text=True)

    assert "The file is empty." in page
    assert page.count('href="/requests/UA-') == 1


def test_a_file_over_the_limit_is_reported_as_too_large(make_app, new_pdf):
    client = make_app(max_upload_bytes=10).test_client()

    page = post_files(client, (new_pdf(), "big.pdf")).get_data(as_text=True)

    assert "Not accepted" in page
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


def test_the_status_page_shows_each_reason_with_its_message_and_action(client, make_request):
    reference = make_request(status="rejected", reasons=[INACTIVE_AUTHORISER])

    page = client.get(f"/requests/{reference}").get_data(as_text=True)

    assert reference in page
    assert "badge-rejected" in page
    assert "no longer active there" in page
    assert "Ask an active GP partner" in page
    assert "Authoriser email address" in page


def test_the_status_page_refreshes_itself_while_the_request_is_pending(client, make_request):
    pending = make_request(status="processing")
    decided = make_request(status="applied")

    assert 'http-equiv="refresh"' in client.get(f"/requests/{pending}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in client.get(f"/requests/{decided}").get_data(as_text=True)


def test_the_status_page_highlights_low_confidence_fields(client, make_request):
    reference = make_request(
        status="review",
        fields={"org_name": "Riverside Surgery", "nominee_name": "Sarah Colins"},
        confidence={"org_name": 1.0, "nominee_name": 0.55},
    )

    page = client.get(f"/requests/{reference}").get_data(as_text=True)

    assert page.count('class="low-confidence"') == 1
    low_row = page.split('class="low-confidence"')[1].split("</tr>")[0]
    assert "Sarah Colins" in low_row
    assert "55%" in low_row


def test_extracted_text_is_escaped_in_the_html(client, make_request):
    reference = make_request(
        status="review",
        fields={"org_name": "<script>alert('x')</script>", "nominee_email": "a@b.example"},
        reasons=[{**INACTIVE_AUTHORISER, "message": "<b>bold</b>"}],
    )

    for url in (f"/requests/{reference}", f"/dashboard/requests/{reference}", "/dashboard"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page
        assert "<b>bold</b>" not in page
    page = client.get(f"/requests/{reference}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


def test_the_status_page_shows_the_history(client, make_request):
    reference = make_request()

    page = client.get(f"/requests/{reference}").get_data(as_text=True)

    assert "History" in page
    assert "Received" in page


@pytest.mark.parametrize("path", ["/requests/UA-2026-999999", "/dashboard/requests/UA-1"])
def test_an_unknown_reference_has_a_not_found_page(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Request not found" in response.get_data(as_text=True)


def test_a_reference_is_found_whatever_its_case(client, make_request):
    reference = make_request()

    assert client.get(f"/requests/{reference.lower()}").status_code == 200


def test_the_health_check_reports_the_database_reachable(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_the_health_check_fails_when_the_database_is_unreachable(make_app, tmp_path):
    app = make_app()
    app.extensions["intake"].db.engine.dispose()
    (tmp_path / "t.sqlite3").unlink()
    (tmp_path / "t.sqlite3").mkdir()  # a folder where the database file should be

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_the_status_page_links_the_other_forms_of_the_same_file(client, intake, make_request):
    reference = make_request()
    with intake.db.session() as session:
        first = by_reference(session, reference)
        second = Request(
            submission_id=first.submission_id, form_index=1, reference="UA-2026-900001"
        )
        session.add(second)

    page = client.get(f"/requests/{reference}").get_data(as_text=True)

    assert 'href="/requests/UA-2026-900001"' in page
