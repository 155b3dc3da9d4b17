"""Reading the committed sample corpus: every raw field, every layout."""

from __future__ import annotations

import pytest

from intake.reading import FIELD_KEYS, NotAPdf, PdfUnreadable, read_document

from .corpus import SAMPLES, load_expected

EXPECTED = load_expected()
FORM_FILES = [
    e for e in EXPECTED if e["requests"][0]["codes"] not in (["NOT_A_PDF"], ["PDF_UNREADABLE"])
]


def _comparable(key: str, value: object) -> object:
    """Trivial normalisation only: trim, collapse spaces, lower-case emails."""
    if not isinstance(value, str):
        return value
    text = " ".join(value.split())
    return text.lower() if key.endswith("email") else text


def read(name: str):
    return read_document(SAMPLES / name)


@pytest.mark.parametrize("entry", FORM_FILES, ids=[e["file"] for e in FORM_FILES])
def test_it_reads_each_sample_field_as_written(entry: dict) -> None:
    document = read(entry["file"])
    assert len(document.forms) == len(entry["requests"])
    for form, request in zip(document.forms, entry["requests"], strict=True):
        got = {key: _comparable(key, form.value(key)) for key in FIELD_KEYS}
        want = {key: _comparable(key, request["raw"][key]) for key in FIELD_KEYS}
        assert got == want
        assert {key: form.fields[key].confidence for key in FIELD_KEYS} == dict.fromkeys(
            FIELD_KEYS, 1.0
        )


def test_every_sample_file_has_an_expected_entry() -> None:
    on_disk = {p.name for p in SAMPLES.iterdir() if p.suffix == ".pdf"}
    assert on_disk == {e["file"] for e in EXPECTED}
    assert len(on_disk) >= 14


def test_it_rejects_the_png_named_pdf_as_not_a_pdf() -> None:
    with pytest.raises(NotAPdf, match="PNG"):
        read("rejected_not_a_pdf.pdf")


def test_it_rejects_the_truncated_sample_as_unreadable() -> None:
    with pytest.raises(PdfUnreadable, match="stops before its end"):
        read("rejected_truncated.pdf")


def test_it_reads_the_value_right_of_the_label_in_a_table() -> None:
    form = read("applied_gp_partner.pdf").forms[0]
    assert form.value("org_code") == "A81001"
    assert form.value("authoriser_email") == "Sarah.Collins@NHS.net"
    assert form.method == "text"


def test_it_reads_value_on_the_line_below() -> None:
    form = read("applied_main_contact_update.pdf").forms[0]
    assert form.value("nominee_email") == "oliver.king@nhs.net"
    assert form.value("request_type") == "Update"
    assert form.value("icb_code") is None


def test_it_joins_a_value_wrapped_over_two_lines() -> None:
    form = read("applied_icb_with_covering_letter.pdf").forms[0]
    assert form.value("org_name") == (
        "Moorside and Upper Valley Family Practice incorporating Lowmoor Branch Surgery"
    )


def test_it_ignores_the_covering_letter_before_the_title() -> None:
    document = read("applied_icb_with_covering_letter.pdf")
    assert document.page_count == 2
    assert [form.pages for form in document.forms] == [(1,)]


def test_it_reads_a_form_split_over_two_pages_with_a_running_title() -> None:
    document = read("rejected_authoriser_inactive_two_pages.pdf")
    assert len(document.forms) == 1
    form = document.forms[0]
    assert form.pages == (0, 1)
    assert form.value("org_name") == "Hillview Surgery"
    assert form.value("authoriser_email") == "james.patel@nhs.net"
    assert form.value("declaration") is True


def test_it_reads_each_of_two_forms_in_one_pdf_as_its_own_request() -> None:
    first, second = read("two_requests_ael_and_nominee_not_at_org.pdf").forms
    assert first.value("nominee_name") == "Tom Hughes"
    assert second.value("nominee_name") == "Laura Green"
    assert set(first.pages).isdisjoint(second.pages)


def test_it_reads_fields_printed_in_another_order() -> None:
    form = read("rejected_field_missing.pdf").forms[0]
    assert form.value("requester_email") == "zara.ali@nhs.net"
    assert form.value("org_name") == "Parkway Health Centre"


def test_it_reports_a_blank_required_field_as_confidently_empty() -> None:
    field = read("rejected_field_missing.pdf").forms[0].fields["requester_name"]
    assert field.value is None
    assert field.confidence == 1.0


def test_it_reads_numbered_upper_case_and_e_mail_labels() -> None:
    assert read("rejected_field_invalid_email.pdf").forms[0].value("org_code") == "A81008"
    assert read("applied_icb_with_covering_letter.pdf").forms[0].value("icb_code") == "QWE"
    other = read("rejected_authoriser_other_org.pdf").forms[0]
    assert other.value("nominee_email") == "nina.brown@nhs.net"


def test_it_reads_acroform_fields_named_by_key() -> None:
    form = read("applied_caldicott_acroform_by_key.pdf").forms[0]
    assert form.method == "acroform"
    assert form.value("authoriser_email") == "helen.morris@nhs.net"
    assert form.value("signature") is True
    assert form.value("declaration") is True


def test_it_reads_acroform_fields_named_by_printed_label() -> None:
    form = read("rejected_signature_missing_acroform_by_label.pdf").forms[0]
    assert form.method == "acroform"
    assert form.value("authoriser_name") == "Kevin O'Neill"
    assert form.value("signature") is False
    assert form.value("declaration") is True


@pytest.mark.parametrize(
    ("name", "note"),
    [
        ("applied_gp_partner.pdf", "typed text"),
        ("applied_main_contact_update.pdf", "drawn strokes"),
    ],
)
def test_it_sees_ink_in_the_signature_box(name: str, note: str) -> None:
    field = read(name).forms[0].fields["signature"]
    assert field.value is True
    assert note in field.note


@pytest.mark.parametrize(
    "name",
    [
        "applied_gp_partner.pdf",  # drawn X
        "rejected_authoriser_other_org.pdf",  # drawn check mark
        "applied_main_contact_update.pdf",  # an "X" character in the box
        "rejected_role_not_ua.pdf",  # "[x]" typed before the sentence
    ],
)
def test_it_sees_each_kind_of_tick(name: str) -> None:
    assert read(name).forms[0].value("declaration") is True


def test_it_sees_an_empty_tick_box() -> None:
    field = read("rejected_declaration_not_ticked.pdf").forms[0].fields["declaration"]
    assert (field.value, field.confidence) == (False, 1.0)


def test_it_accepts_a_path_given_as_a_string() -> None:
    assert read_document(str(SAMPLES / "applied_gp_partner.pdf")).forms
