"""The published blank form: read blank, it holds nothing; filled in by a person
(the tests' filler), every field is read exactly and decided as the scenario says.
"""

from __future__ import annotations

import functools
import io
import pathlib

import pypdf
import pytest

from intake.forms.blank import DECLARATION, FILENAME, OPTIONS, blank_form
from intake.reading import FIELD_KEYS, FormReading, read_document
from intake.reading.labels import LABELS, key_for_name, tokens
from sample_forms import directory as sample_directory
from sample_forms.catalogue import SAMPLES
from sample_forms.scenarios import RECEIVED, Request
from verification.directory import AelEntry, IcbContact, Organisation, RoleHolder, StaffRecord
from verification.fields import BOOLEAN_KEYS, REQUIRED_TEXT_KEYS
from verification.memory import MemoryDirectory
from verification.roles import printed_option
from verification.rules import verify

from .filler import entries, fill, flattened

UPLOAD_URL = "https://pcse-intake.example.nhs.uk/"
MAILBOX = "pcse.forms@nhs.net"

#: Every sample scenario a person can enter on the published form: its
#: drop-downs offer only the roles PCSE can set up, so "Joiner & Leaver" is out.
SCENARIOS: dict[str, Request] = {
    request.about: request
    for sample in SAMPLES
    for request in sample.requests
    if str(request.values["role"]).casefold() in {o.casefold() for o in OPTIONS["role"]}
}


@functools.cache
def blank() -> bytes:
    return blank_form(UPLOAD_URL, MAILBOX)


def read_one(data: bytes, folder: pathlib.Path) -> FormReading:
    path = folder / "form.pdf"
    path.write_bytes(data)
    reading = read_document(path)
    assert reading.warnings == ()
    (form,) = reading.forms
    return form


def directory() -> MemoryDirectory:
    return MemoryDirectory(
        organisations=[Organisation(*row) for row in sample_directory.ORGANISATIONS],
        staff=[StaffRecord(*row) for row in sample_directory.STAFF],
        ael=[AelEntry(*row) for row in sample_directory.AEL],
        icb_contacts=[IcbContact(*row) for row in sample_directory.ICB_CONTACTS],
        role_holders=[RoleHolder(*row) for row in sample_directory.USER_ADMINS],
    )


def expected(request: Request) -> dict[str, str | bool | None]:
    """What the form shows once the filler has entered the scenario."""
    typed = entries(request.values)
    return {
        key: bool(request.values[key]) if key in BOOLEAN_KEYS else typed.get(key)
        for key in FIELD_KEYS
    }


def test_the_form_is_one_a4_page_the_same_bytes_every_time():
    reader = pypdf.PdfReader(io.BytesIO(blank()))

    assert len(reader.pages) == 1
    assert [round(float(v)) for v in reader.pages[0].mediabox] == [0, 0, 595, 842]
    assert blank_form.__wrapped__(UPLOAD_URL, MAILBOX) == blank()
    assert FILENAME.endswith(".pdf")


def test_every_field_is_a_widget_named_by_its_key_with_its_printed_label():
    fields = pypdf.PdfReader(io.BytesIO(blank())).get_fields()

    assert set(fields) == set(FIELD_KEYS)
    for key, field in fields.items():
        assert field["/TU"] == LABELS[key][0]
        assert key_for_name(field["/TU"]) == key
        assert field.get("/V") in (None, "", "/Off")
    assert fields["declaration"]["/FT"] == "/Btn"
    assert {key for key, field in fields.items() if field["/FT"] == "/Ch"} == set(OPTIONS)


def test_the_drop_downs_offer_what_the_rules_recognise_as_printed():
    fields = pypdf.PdfReader(io.BytesIO(blank())).get_fields()

    for key, options in OPTIONS.items():
        assert list(fields[key]["/Opt"]) == list(options)
        assert [printed_option(key, option) for option in options] == list(options)


def test_the_page_prints_the_title_labels_declaration_and_where_to_send_it():
    text = pypdf.PdfReader(io.BytesIO(blank())).pages[0].extract_text()
    words = tokens(text)

    assert "PCSE Online User Administrator Authorisation Form" in text
    for key in FIELD_KEYS:
        label = tokens(LABELS[key][0])
        assert any(words[i : i + len(label)] == label for i in range(len(words))), key
    assert tokens(DECLARATION)[:6] == ("i", "confirm", "that", "the", "role", "requested")
    assert UPLOAD_URL in text and MAILBOX in text
    assert "Caldicott Guardian" in text


def test_the_blank_form_is_read_as_a_form_with_nothing_filled_in(tmp_path):
    form = read_one(blank(), tmp_path)

    for key in FIELD_KEYS:
        field = form.fields[key]
        assert field.confidence == 1.0, key
        assert field.value in ((False,) if key in BOOLEAN_KEYS else (None,)), (key, field)
        assert field.note != "label not found", key


def test_the_blank_form_sent_as_it_is_is_rejected_for_every_empty_field(tmp_path):
    form = read_one(blank(), tmp_path)
    values = {key: field.value for key, field in form.fields.items()}
    verdict = verify(values, {}, received=RECEIVED, directory=directory())
    found = {(f.code.value, f.field) for f in verdict.findings}

    assert verdict.outcome == "rejected"
    assert {("FIELD_MISSING", key) for key in REQUIRED_TEXT_KEYS} <= found
    assert {"SIGNATURE_MISSING", "DECLARATION_NOT_TICKED"} <= {code for code, _ in found}


def test_the_scenarios_cover_each_outcome_and_the_fields_a_person_leaves_out():
    statuses = {request.status for request in SCENARIOS.values()}
    values = [request.values for request in SCENARIOS.values()]

    assert len(SCENARIOS) >= 15
    assert statuses == {"applied", "rejected", "review"}
    assert any(not v["signature"] for v in values) and any(not v["declaration"] for v in values)
    assert any(v["requester_name"] is None for v in values)


@pytest.mark.parametrize("about", sorted(SCENARIOS))
def test_a_filled_form_is_read_exactly_and_decided_as_its_scenario_says(about, tmp_path):
    request = SCENARIOS[about]
    filled = fill(blank(), request.values)
    form = read_one(filled, tmp_path)
    read = {key: form.fields[key].value for key in FIELD_KEYS}
    confidence = {key: form.fields[key].confidence for key in FIELD_KEYS}

    assert read == expected(request)
    assert set(confidence.values()) == {1.0}
    verdict = verify(read, confidence, received=RECEIVED, directory=directory())
    assert verdict.outcome == request.status
    assert tuple(sorted({f.code.value for f in verdict.findings})) == request.codes


@pytest.mark.parametrize("about", sorted(SCENARIOS))
def test_what_is_read_is_what_the_filled_page_shows(about, tmp_path):
    # Drawn from the fields' appearances alone (the fields removed), the
    # page reads the same: every value read is one a person sees.
    request = SCENARIOS[about]
    form = read_one(flattened(fill(blank(), request.values)), tmp_path)

    assert form.method == "text"
    assert {key: form.fields[key].value for key in FIELD_KEYS} == expected(request)
    assert {form.fields[key].confidence for key in FIELD_KEYS} == {1.0}


def test_a_long_value_is_shrunk_to_fit_its_box_not_cut_off(tmp_path):
    (request,) = [r for r in SCENARIOS.values() if len(str(r.values["org_name"])) > 70]
    form = read_one(flattened(fill(blank(), request.values)), tmp_path)

    assert form.fields["org_name"].value == " ".join(str(request.values["org_name"]).split())
