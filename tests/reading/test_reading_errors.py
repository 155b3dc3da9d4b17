"""Files that are not PDFs, or PDFs that cannot be read, raise the right error."""

from __future__ import annotations

import io
import pathlib

import pypdf
import pytest

from intake.reading import NotAPdf, PdfUnreadable, ReadLimits, read_document

from .corpus import SAMPLES

GOOD = SAMPLES / "applied_gp_partner.pdf"


@pytest.fixture
def write(tmp_path: pathlib.Path):
    def write(data: bytes, name: str = "upload.pdf") -> pathlib.Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html>\n<html><body>Form</body></html>", "web page"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"Dear PCSE, please find my form attached.", "plain text"),
    ],
    ids=["empty", "html", "zip", "jpeg", "text"],
)
def test_it_says_what_a_non_pdf_looks_like(write, data: bytes, says: str) -> None:
    with pytest.raises(NotAPdf, match=says) as raised:
        read_document(write(data))
    assert raised.value.code == "NOT_A_PDF"


def test_it_accepts_junk_before_the_pdf_header(write) -> None:
    path = write(b"\x00" * 600 + GOOD.read_bytes())
    assert read_document(path).forms[0].value("org_code") == "A81001"


def test_it_rejects_a_header_buried_too_deep(write) -> None:
    with pytest.raises(NotAPdf):
        read_document(write(b"\x00" * 2000 + GOOD.read_bytes()))


def test_it_rejects_a_truncated_pdf(write) -> None:
    data = GOOD.read_bytes()
    with pytest.raises(PdfUnreadable, match="stops before its end") as raised:
        read_document(write(data[: len(data) // 2]))
    assert raised.value.code == "PDF_UNREADABLE"


def _encrypted(user: str, owner: str, algorithm: str = "AES-256") -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(GOOD))
    writer.encrypt(user_password=user, owner_password=owner, algorithm=algorithm)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_it_rejects_a_pdf_that_needs_a_password_to_open(write) -> None:
    with pytest.raises(PdfUnreadable, match="password needed to open it"):
        read_document(write(_encrypted("secret", "owner")))


@pytest.mark.parametrize("algorithm", ["AES-256", "AES-128", "RC4-128"])
def test_it_reads_a_pdf_with_only_an_owner_password(write, algorithm: str) -> None:
    # Editing or printing restricted: every viewer opens it without asking.
    reading = read_document(write(_encrypted("", "owner", algorithm)))
    assert reading.forms[0].value("org_code") == "A81001"


@pytest.mark.parametrize("padding", [b"\0" * 5000, b"\r\n" * 2000, b" " * 3000])
def test_it_reads_a_pdf_padded_after_its_end_marker(write, padding: bytes) -> None:
    reading = read_document(write(GOOD.read_bytes() + padding))
    assert reading.forms[0].value("org_code") == "A81001"


def test_it_rejects_an_update_cut_off_before_its_end_marker(write) -> None:
    writer = pypdf.PdfWriter(GOOD, incremental=True)
    writer.add_metadata({"/Title": "amended"})
    buffer = io.BytesIO()
    writer.write(buffer)
    updated = buffer.getvalue()
    assert updated.count(b"%%EOF") == 2
    with pytest.raises(PdfUnreadable, match="stops before its end"):
        read_document(write(updated[: updated.rfind(b"%%EOF") - 40]))


def test_it_reads_a_complete_pdf_whose_cross_reference_table_is_gone(write) -> None:
    # Viewers rebuild it; pypdf alone gives up ("startxref not found").
    data = GOOD.read_bytes()
    damaged = data[: data.rfind(b"xref")] + data[data.rfind(b"startxref") :]
    with pytest.raises(pypdf.errors.PdfReadError):
        pypdf.PdfReader(io.BytesIO(damaged)).pages[0]
    assert read_document(write(damaged)).forms[0].value("org_code") == "A81001"


def test_it_rejects_a_damaged_pdf_in_plain_words(write) -> None:
    with pytest.raises(PdfUnreadable, match="damaged") as raised:
        read_document(write(b"%PDF-1.7\nthis is not really a pdf at all\n%%EOF\n"))
    # The library's own words go to the log and the audit trail, not to the requester.
    assert "Error" not in raised.value.message
    assert "save or print it again" in raised.value.message
    assert raised.value.cause


def test_it_rejects_a_file_over_the_size_limit() -> None:
    with pytest.raises(PdfUnreadable, match="byte limit"):
        read_document(GOOD, ReadLimits(max_bytes=1000))


def test_it_rejects_a_pdf_over_the_page_limit(make_pdf) -> None:
    path = make_pdf(*[lambda c: c.drawString(72, 720, "page")] * 3)
    with pytest.raises(PdfUnreadable, match="page limit"):
        read_document(path, ReadLimits(max_pages=2))


def test_it_reports_a_missing_file_as_unreadable(tmp_path: pathlib.Path) -> None:
    with pytest.raises(PdfUnreadable, match="could not be opened"):
        read_document(tmp_path / "gone.pdf")


def test_a_pdf_without_a_form_reads_as_no_forms(make_pdf) -> None:
    path = make_pdf(lambda c: c.drawString(72, 720, "Minutes of the practice meeting"))
    document = read_document(path)
    assert document.forms == ()
    assert document.page_count == 1


def _with_scanned_page(write) -> pathlib.Path:
    """The typed form, then a scanned page (another form, as a person sees it)."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(GOOD))
    writer.append(pypdf.PdfReader(SAMPLES / "producers" / "scan" / "gp_partner_200dpi.pdf"))
    buffer = io.BytesIO()
    writer.write(buffer)
    return write(buffer.getvalue())


def test_forms_read_are_kept_when_a_later_page_takes_too_long(write) -> None:
    reading = read_document(_with_scanned_page(write), ReadLimits(ocr_seconds_per_page=0.002))

    assert [form.value("org_code") for form in reading.forms] == ["A81001"]
    # The page not read may hold another form: a caseworker is told.
    assert reading.ocr_unavailable
    assert any(w.startswith("page 2:") and "not read" in w for w in reading.warnings)


def test_a_file_whose_only_form_takes_too_long_is_unreadable() -> None:
    scan = SAMPLES / "producers" / "scan" / "gp_partner_200dpi.pdf"
    with pytest.raises(PdfUnreadable, match="took over"):
        read_document(scan, ReadLimits(ocr_seconds_per_page=0.002))
