import datetime as dt
import io
import itertools
import json

import pytest
from sqlalchemy import select, update

from intake.accounts.models import ApiToken
from intake.accounts.services import (
    check_api_token,
    create_api_token,
    create_user,
    revoke_api_token,
)
from intake.config import LONDON
from intake.submissions.models import Request, Submission

_TOKENS = itertools.count()


def with_token(app, scope: str = "reader", **token):
    """A test client that sends a fresh API token with every request (one
    that reads every request, unless told otherwise)."""
    secret = create_api_token(
        app.extensions["intake"].db,
        f"tests-{next(_TOKENS)}",  # a token's name names one token
        created_by="pytest",
        scope=scope,
        **token,
    )
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


@pytest.fixture
def client(app):
    return with_token(app)


def test_a_submitter_token_walking_references_sees_only_its_own(app, new_pdf, make_request):
    mine, theirs = with_token(app, "submitter"), with_token(app, "submitter")
    own = upload(mine, new_pdf()).get_json()["references"][0]
    other = upload(theirs, new_pdf()).get_json()["references"][0]
    by_web = make_request(status="applied")
    number = int(own.rsplit("-", 1)[1])

    walked = {
        ref: mine.get(f"/api/v1/submissions/{ref}").status_code
        for ref in (f"UA-{own[3:7]}-{n:06d}" for n in range(1, number + 5))
    }

    assert {ref for ref, status in walked.items() if status == 200} == {own}
    assert walked[other] == walked[by_web] == 404  # "not found", as if it did not exist
    assert with_token(app).get(f"/api/v1/submissions/{other}").status_code == 200  # a reader


def test_a_submitter_token_reads_what_it_sent_even_if_someone_sent_it_first(app, new_pdf):
    data = new_pdf()
    first, second = with_token(app, "submitter"), with_token(app, "submitter")
    reference = upload(first, data).get_json()["references"][0]

    again = upload(second, data)

    assert again.status_code == 200  # the same bytes: the same request
    assert second.get(f"/api/v1/submissions/{reference}").status_code == 200


def test_an_expired_token_is_refused(app, intake):
    client = with_token(app, days=1)
    with intake.db.session() as session:
        session.execute(update(ApiToken).values(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)))

    assert client.get("/api/v1/submissions/UA-2026-000001").status_code == 401


def test_a_tokens_last_use_is_written_at_most_once_a_minute(client, intake):
    client.get("/api/v1/submissions/UA-2026-000001")
    with intake.db.session() as session:
        first = session.scalar(select(ApiToken.last_used_at))

    client.get("/api/v1/submissions/UA-2026-000002")
    with intake.db.session() as session:
        second = session.scalar(select(ApiToken.last_used_at))

    assert first is not None and second == first


def upload(client, data: bytes, filename: str = "form.pdf", **form):
    return client.post(
        "/api/v1/submissions",
        data={"file": (io.BytesIO(data), filename), **form},
        content_type="multipart/form-data",
    )


def test_it_accepts_an_upload_with_202_and_its_reference(client, intake, new_pdf):
    response = upload(client, new_pdf())

    assert response.status_code == 202
    body = response.get_json()
    assert body["duplicate"] is False
    assert len(body["references"]) == 1
    reference = body["references"][0]
    assert reference.startswith("UA-")
    assert body["status_urls"] == [f"http://localhost/api/v1/submissions/{reference}"]
    assert response.headers["Location"] == body["status_urls"][0]
    assert body["status_url"].startswith("http://localhost/status/st_")
    with intake.db.session() as session:
        submission = session.get(Submission, body["submission_id"])
        assert submission.channel == "api"
        assert submission.original_filename == "form.pdf"
        assert submission.received_on == dt.date.today()
        assert session.scalar(select(Request.status).where(Request.reference == reference)) == (
            "received"
        )


def test_it_queues_the_upload_for_a_worker(client, settings, new_pdf):
    upload(client, new_pdf())

    assert list((settings.broker_dir / "queue").iterdir())


def test_the_same_file_again_returns_the_same_references_with_200(client, new_pdf):
    data = new_pdf()
    first = upload(client, data).get_json()

    again = upload(client, data, filename="renamed.pdf")

    assert again.status_code == 200
    body = again.get_json()
    # Each upload gets its own status link to the same submission.
    assert body.pop("status_url") != first.pop("status_url")
    assert body == {**first, "duplicate": True}


def test_it_records_the_received_date_it_is_given(client, intake, new_pdf):
    day = _today() - dt.timedelta(days=60)

    body = upload(client, new_pdf(), received=day.isoformat()).get_json()

    with intake.db.session() as session:
        assert session.get(Submission, body["submission_id"]).received_on == day


def _today() -> dt.date:
    return dt.datetime.now(LONDON).date()


@pytest.mark.parametrize("when", ["tomorrow", "over a year back", "in the year 9999"])
def test_it_refuses_a_received_date_after_today_or_over_a_year_back(client, intake, new_pdf, when):
    day = {
        "tomorrow": _today() + dt.timedelta(days=1),
        "over a year back": _today() - dt.timedelta(days=367),
        "in the year 9999": dt.date(9999, 1, 1),
    }[when]

    response = upload(client, new_pdf(), received=day.isoformat())

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "INVALID_RECEIVED_DATE"
    assert f"not {day.isoformat()}" in error["message"]
    with intake.db.session() as session:
        assert session.scalar(select(Submission)) is None


def test_several_file_parts_in_one_request_are_refused_and_none_is_stored(client, intake, new_pdf):
    response = client.post(
        "/api/v1/submissions",
        data={"file": [(io.BytesIO(new_pdf()), "a.pdf"), (io.BytesIO(new_pdf()), "b.pdf")]},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "ONE_FILE_PER_REQUEST"
    with intake.db.session() as session:
        assert session.scalar(select(Submission)) is None


@pytest.mark.parametrize("received", ["2026-13-01", "01/10/2026", "20261001", "2026-1-1", "soon"])
def test_it_rejects_a_malformed_received_date(client, intake, new_pdf, received):
    response = upload(client, new_pdf(), received=received)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "INVALID_RECEIVED_DATE"
    with intake.db.session() as session:
        assert session.scalar(select(Submission)) is None


def test_it_rejects_a_request_that_is_not_multipart(client):
    response = client.post("/api/v1/submissions", json={"file": "form.pdf"})

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "FILE_REQUIRED"


def test_it_rejects_a_multipart_request_without_a_file_field(client, new_pdf):
    response = client.post(
        "/api/v1/submissions",
        data={"other": (io.BytesIO(new_pdf()), "form.pdf")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "FILE_REQUIRED"


def test_it_rejects_an_empty_file(client):
    response = upload(client, b"")

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "EMPTY_FILE"


def test_it_rejects_a_file_over_the_upload_limit_with_413(make_app, new_pdf):
    client = with_token(make_app(max_upload_bytes=10))

    response = upload(client, new_pdf())

    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "FILE_TOO_LARGE"


def test_a_request_body_over_flasks_limit_is_answered_in_json(make_app):
    client = with_token(make_app({"MAX_CONTENT_LENGTH": 1000}))

    response = upload(client, b"%PDF-" + b"x" * 5000)

    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "FILE_TOO_LARGE"


def test_it_returns_a_request_by_its_reference(client, new_pdf):
    reference = upload(client, new_pdf(), filename="practice.pdf").get_json()["references"][0]

    response = client.get(f"/api/v1/submissions/{reference}")

    assert response.status_code == 200
    body = response.get_json()
    assert body["reference"] == reference
    assert body["status"] == "received"
    assert body["reasons"] == []
    assert body["source_file"] == "practice.pdf"
    assert body["fields"]["nominee_email"] is None
    assert body["confidence"] == {}


def test_it_returns_the_reasons_set_on_a_request(client, make_request):
    reason = {
        "code": "AUTHORISER_INACTIVE",
        "field": "authoriser_email",
        "message": "The authoriser is not active at this organisation.",
        "action": "Ask an active GP partner to sign a new form.",
    }
    reference = make_request(status="rejected", reasons=[reason])

    body = client.get(f"/api/v1/submissions/{reference}").get_json()

    assert body["status"] == "rejected"
    # In the requester's words, made from the code: the same as the status page.
    assert body["reasons"] == [
        {
            "code": "AUTHORISER_INACTIVE",
            "field": "authoriser_email",
            "message": "The authoriser is not active at the organisation.",
            "action": "Ask an active GP partner, Caldicott Guardian or AEL user at the "
            "organisation to sign a new form.",
        }
    ]
    assert body["outcome"]["headline"] == "We could not apply your request."
    assert body["outcome"]["can_send_correction"] is True


def test_an_unknown_reference_is_a_json_404(client):
    response = client.get("/api/v1/submissions/UA-2026-999999")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "NOT_FOUND"


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "NOT_FOUND"


def test_a_wrong_method_is_a_json_405(client):
    response = client.delete("/api/v1/submissions")

    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert "POST" in response.headers["Allow"]


def test_an_unexpected_error_is_a_json_500_without_detail(make_app):
    app = make_app({"PROPAGATE_EXCEPTIONS": False})

    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/api/v1/boom")

    assert response.status_code == 500
    error = response.get_json()["error"]
    assert error["code"] == "INTERNAL_ERROR"
    assert "secret" not in error["message"]


def test_errors_outside_the_api_stay_html(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_it_serves_an_openapi_document_describing_its_endpoints(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = json.loads(response.data)
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) >= {
        "/api/v1/submissions",
        "/api/v1/submissions/{reference}",
    }
    request_schema = document["components"]["schemas"]["Request"]
    assert request_schema["properties"]["status"]["enum"] == [
        "received",
        "processing",
        "applied",
        "rejected",
        "review",
    ]
    reason = document["components"]["schemas"]["Reason"]
    assert set(reason["required"]) == {"code", "field", "message", "action"}
    assert "AUTHORISER_INACTIVE" in reason["properties"]["code"]["enum"]


def test_every_schema_reference_in_the_openapi_document_resolves(client):
    document = client.get("/api/v1/openapi.json").get_json()
    text = json.dumps(document)
    names = {part.split('"')[0] for part in text.split("#/components/schemas/")[1:]}

    assert names
    assert names <= set(document["components"]["schemas"])


@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Bearer itk_not-a-real-token", "Basic dXNlcjpwYXNz"]
)
def test_every_api_route_needs_a_valid_token(app, new_pdf, header):
    client = app.test_client()
    headers = {"Authorization": header} if header is not None else {}

    responses = [
        client.post(
            "/api/v1/submissions",
            data={"file": (io.BytesIO(new_pdf()), "form.pdf")},
            content_type="multipart/form-data",
            headers=headers,
        ),
        client.get("/api/v1/submissions/UA-2026-000001", headers=headers),
    ]

    for response in responses:
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "UNAUTHORISED"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    with app.extensions["intake"].db.session() as session:
        assert session.scalar(select(Submission)) is None


def test_a_revoked_token_is_refused(app, intake):
    token = create_api_token(intake.db, "old-bridge", created_by="pytest")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/submissions/UA-2026-1", headers=headers).status_code == 404

    revoke_api_token(intake.db, check_api_token(intake.db, token).id, actor="pytest")

    assert client.get("/api/v1/submissions/UA-2026-1", headers=headers).status_code == 401


def test_a_signed_in_caseworker_still_needs_a_token(app, intake):
    create_user(intake.db, "casey", "correct horse battery")
    browser = app.test_client()
    browser.post("/login", data={"username": "casey", "password": "correct horse battery"})
    assert browser.get("/dashboard").status_code == 200

    assert browser.get("/api/v1/submissions/UA-2026-000001").status_code == 401


def test_the_openapi_document_needs_no_token(app):
    assert app.test_client().get("/api/v1/openapi.json").status_code == 200


def test_the_api_takes_uploads_without_a_csrf_token(make_app, new_pdf):
    client = with_token(make_app({"WTF_CSRF_ENABLED": True}))

    assert upload(client, new_pdf()).status_code == 202


def test_the_openapi_document_describes_bearer_tokens_and_the_status_link(client):
    document = client.get("/api/v1/openapi.json").get_json()

    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert document["security"] == [{"bearerAuth": []}]
    assert document["paths"]["/api/v1/openapi.json"]["get"]["security"] == []
    accepted = document["components"]["schemas"]["Accepted"]
    assert "status_url" in accepted["required"]
    post = document["paths"]["/api/v1/submissions"]["post"]
    assert "401" in post["responses"]


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "photo.jpg", "This is a JPEG photo, not a PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "form.pdf", "This is a PNG image, not a PDF, although"),
        (b"PK\x03\x04 word/document.xml", "form.docx", "This is a Word document"),
        (b"Nominee: Tom Reed\n", "form.txt", "This is a text file"),
    ],
)
def test_a_file_that_is_not_a_pdf_is_kept_and_named_in_the_answer(client, data, name, said):
    response = upload(client, data, filename=name)

    assert response.status_code == 202
    body = response.get_json()
    assert body["references"]
    assert body["warning"]["code"] == "NOT_A_PDF"
    assert body["warning"]["message"].startswith(said)


def test_a_pdf_has_no_warning(client, new_pdf):
    assert upload(client, new_pdf()).get_json()["warning"] is None


def test_a_file_name_is_answered_without_bidi_controls(client, new_pdf):
    reference = upload(client, new_pdf(), filename="x\u202egpj.exe.pdf").get_json()["references"][0]

    body = client.get(f"/api/v1/submissions/{reference}").get_json()

    assert body["source_file"] == "xgpj.exe.pdf"
