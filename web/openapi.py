"""The OpenAPI 3.1 description of the JSON API (``/api/v1/openapi.json``)."""

from __future__ import annotations

from typing import Any

from intake.submissions.models import Status
from verification.fields import FIELD_KEYS
from verification.reasons import ReasonCode


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of this API, written by hand."""

    def ref(name: str) -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{name}"}

    def json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    def error(description: str, **headers: str) -> dict[str, Any]:
        answer = json_body(ref("Error"), description)
        if headers:
            answer["headers"] = {
                name.replace("_", "-"): {"description": text, "schema": {"type": "string"}}
                for name, text in headers.items()
            }
        return answer

    #: The answers every operation that needs a token may give.
    common = {
        "400": error(
            "A malformed request: a control character (such as NUL) in the path, query or a field."
        ),
        "401": error(
            "No valid API token (none, unknown, revoked or expired).",
            WWW_Authenticate='Bearer realm="intake"',
        ),
        "429": error(
            "Too many requests for this token; wait as Retry-After says.",
            Retry_After="Seconds to wait.",
        ),
        "503": error(
            "The service cannot reach its database; nothing was stored.",
            Retry_After="Seconds to wait.",
        ),
    }

    nullable_str = {"type": ["string", "null"]}
    field_value = {"type": ["string", "boolean", "null"]}
    accepted = ref("Accepted")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "PCSE User Administrator authorisation intake",
            "version": "1.0.0",
            "description": "Submit signed authorisation forms (PDF) and follow their requests. "
            "Every operation but this document needs an API token made by an admin, sent as "
            '\'Authorization: Bearer <token>\'. Errors are JSON: {"error": {"code", '
            '"message"}}.',
        },
        "security": [{"bearerAuth": []}],
        "paths": {
            "/api/v1/submissions": {
                "post": {
                    "operationId": "createSubmission",
                    "summary": "Submit a PDF holding one or more authorisation forms",
                    "requestBody": {
                        "required": True,
                        "content": {"multipart/form-data": {"schema": ref("SubmissionUpload")}},
                    },
                    "description": "Any token may send forms (scope submitter or reader); "
                    "the token that sends a file may read its requests.",
                    "responses": {
                        **common,
                        "202": {
                            **json_body(accepted, "Accepted; the requests will be processed."),
                            "headers": {
                                "Location": {
                                    "description": "This API's URL of the first request.",
                                    "schema": {"type": "string", "format": "uri"},
                                }
                            },
                        },
                        "200": json_body(accepted, "The same file was received before."),
                        "400": error(
                            "No file, more than one file, an empty file, a 'received' date "
                            "that is malformed, after today or over a year back, or a control "
                            "character in a field."
                        ),
                        "413": error("The file is larger than the upload limit."),
                    },
                }
            },
            "/api/v1/submissions/{reference}": {
                "get": {
                    "operationId": "getRequest",
                    "summary": "One request: its status, reasons and extracted fields",
                    "parameters": [
                        {
                            "name": "reference",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "examples": ["UA-2026-000123"]},
                        }
                    ],
                    "description": "A token of scope reader reads every request; a token "
                    "of scope submitter only those it sent (any other is 404).",
                    "responses": {
                        **common,
                        "200": json_body(ref("Request"), "The request."),
                        "404": error("No request has this reference (that this token may see)."),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document (no token needed)",
                    "security": [],
                    "responses": {"200": json_body({"type": "object"}, "OpenAPI 3.1 document.")},
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": (
                        "An API token (itk_...) created by an admin, with a scope: "
                        "`submitter` (the default) sends forms and reads only the "
                        "requests it sent (any other reference is 404); `reader` reads "
                        "every request. A token expires (a year unless its maker said "
                        "otherwise); an expired or revoked token is 401."
                    ),
                }
            },
            "schemas": {
                "SubmissionUpload": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "contentMediaType": "application/pdf",
                            "description": "The PDF, one file per request.",
                        },
                        "received": {
                            "type": "string",
                            "format": "date",
                            "description": "Day the form reached PCSE (YYYY-MM-DD); default today.",
                        },
                    },
                },
                "Accepted": {
                    "type": "object",
                    "required": [
                        "submission_id",
                        "references",
                        "duplicate",
                        "status_urls",
                        "status_url",
                    ],
                    "properties": {
                        "submission_id": {"type": "integer"},
                        "references": {"type": "array", "items": {"type": "string"}},
                        "duplicate": {"type": "boolean"},
                        "status_urls": {
                            "type": "array",
                            "items": {"type": "string", "format": "uri"},
                            "description": "This API's URL for each request.",
                        },
                        "status_url": {
                            "type": "string",
                            "format": "uri",
                            "description": "The requester's status page for this upload: "
                            "an unguessable link to pass on to the person who sent the form.",
                        },
                        "warning": {
                            "type": ["object", "null"],
                            "description": "Set when the file is not a PDF (it is kept, and "
                            "will be rejected NOT_A_PDF): what the file is, in plain words.",
                            "properties": {
                                "code": {"type": "string", "enum": ["NOT_A_PDF"]},
                                "message": {"type": "string"},
                            },
                        },
                    },
                },
                "Reason": {
                    "type": "object",
                    "required": ["code", "field", "message", "action"],
                    "properties": {
                        "code": {"type": "string", "enum": [c.value for c in ReasonCode]},
                        "field": {**nullable_str, "description": "The form field concerned."},
                        "message": nullable_str,
                        "action": nullable_str,
                    },
                },
                "Request": {
                    "type": "object",
                    "required": [
                        "reference",
                        "status",
                        "reasons",
                        "fields",
                        "confidence",
                        "source_file",
                    ],
                    "properties": {
                        "reference": {"type": "string"},
                        "status": {"type": "string", "enum": [s.value for s in Status]},
                        "reasons": {"type": "array", "items": ref("Reason")},
                        "fields": {
                            "type": "object",
                            "properties": {key: field_value for key in FIELD_KEYS},
                            "additionalProperties": False,
                        },
                        "confidence": {
                            "type": "object",
                            "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1},
                        },
                        "source_file": {"type": "string"},
                        "outcome": {
                            "type": "object",
                            "description": "What the requester is told, in the words of the "
                            "status page and the mails: status_label, headline, next_steps, "
                            "to_do, caseworker_involved, decided_by (system, caseworker or "
                            "null), decided_at, caseworker_message, corrections ({field: "
                            "{read, corrected}}) and can_send_correction.",
                        },
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
            },
        },
    }
