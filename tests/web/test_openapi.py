"""Every kind of answer the API gives is one its OpenAPI document declares,
for that path and method, with the body and headers it says."""

from __future__ import annotations

import io

import jsonschema
import pytest
from sqlalchemy.orm import sessionmaker

from intake.accounts.services import create_api_token
from intake.db import make_engine
from tests.conftest import ROOT

GOOD = (ROOT / "sample_forms" / "applied_gp_partner.pdf").read_bytes()
SUBMIT = ("/api/v1/submissions", "post")
READ = ("/api/v1/submissions/{reference}", "get")


def check(document: dict, operation: tuple[str, str], answer) -> None:
    """Fail unless ``answer`` is declared for ``operation``, body and headers."""
    path, method = operation
    declared = document["paths"][path][method]["responses"]
    status = str(answer.status_code)
    assert status in declared, f"{method.upper()} {path} answered {status}, not declared"
    spec = declared[status]
    for header in spec.get("headers", {}):
        assert header in answer.headers, f"{status} lacks its {header} header"
    ((media, content),) = spec["content"].items()
    assert answer.mimetype == media
    schema = {**document, **content["schema"]}  # its $refs resolve in the document
    jsonschema.validate(answer.get_json(), schema)


@pytest.fixture
def document(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def _send(client, token: str | None, *parts, **form):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = {"file": list(parts) if len(parts) > 1 else parts[0], **form} if parts else form
    return client.post(
        "/api/v1/submissions", data=data, headers=headers, content_type="multipart/form-data"
    )


def test_every_answer_of_the_api_is_one_its_document_declares(make_app, document):
    app = make_app(
        {"RATELIMIT_API_WRITE": "5 per minute", "RATELIMIT_API_READ": "2 per minute"},
        max_upload_bytes=len(GOOD) + 10,
    )
    db = app.extensions["intake"].db
    submitter = create_api_token(db, "robot", created_by="admin")
    reader = create_api_token(db, "reader", created_by="admin", scope="reader")
    client = app.test_client()

    def form(extra: bytes = b""):
        return io.BytesIO(GOOD + extra), "form.pdf"

    accepted = _send(client, submitter, form())
    reference = accepted.get_json()["references"][0]
    answers = [
        (SUBMIT, accepted),  # 202
        (SUBMIT, _send(client, submitter, form())),  # 200: the same file
        (SUBMIT, _send(client, submitter, form(b"\n%x\n"), received="soon")),  # 400
        (SUBMIT, _send(client, submitter, form(b"%"), form(b"%%"))),  # 400: two files
        (SUBMIT, _send(client, None, form())),  # 401
        (SUBMIT, _send(client, submitter, form(b"\n" * 64))),  # 413
        (SUBMIT, _send(client, submitter, form(b"\n%y\n"))),  # 429 (the sixth for this token)
    ]
    read = {"Authorization": f"Bearer {reader}"}
    answers += [
        (READ, client.get(f"/api/v1/submissions/{reference}", headers=read)),  # 200
        (READ, client.get("/api/v1/submissions/UA-2026-999999", headers=read)),  # 404
        (READ, client.get("/api/v1/submissions/UA%00", headers=read)),  # 400
        (READ, client.get(f"/api/v1/submissions/{reference}", headers=read)),  # 429
    ]
    # The database goes away: 503.
    intake = app.extensions["intake"]
    intake.db.engine = make_engine("postgresql+psycopg://intake@127.0.0.1:9/intake")
    intake.db.sessions = sessionmaker(intake.db.engine, expire_on_commit=False)
    answers.append((READ, client.get("/api/v1/submissions/UA-2026-000001", headers=read)))

    seen = sorted({answer.status_code for _, answer in answers})
    assert seen == [200, 202, 400, 401, 404, 413, 429, 503]
    for operation, answer in answers:
        check(document, operation, answer)


def test_the_check_fails_on_an_answer_the_document_does_not_declare(client, document):
    answer = client.get("/api/v1/submissions/UA-2026-000001")  # no token: 401

    with pytest.raises(AssertionError, match="not declared"):
        check(document, ("/api/v1/openapi.json", "get"), answer)
