"""Text the page does not show never decides a value (SPEC §2).

The property: take a form that the directory would apply, plant hidden text
over one identity field's printed value (another organisation, role, request
type, nominee or authoriser email), hidden any of the ways a PDF can hide
text, and the request is never applied. The hidden value is never read at
full confidence, and the visible one is not trusted either while the page's
own layer contradicts it.
"""

from __future__ import annotations

import io
import pathlib

import pdfplumber
import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.pdfgen.canvas import Canvas

from intake.reading import read_document
from sample_forms import directory as sample_directory
from sample_forms.catalogue import SAMPLES as MAIN_SAMPLES
from sample_forms.scenarios import RECEIVED
from verification.directory import AelEntry, IcbContact, Organisation, RoleHolder, StaffRecord
from verification.memory import MemoryDirectory
from verification.reasons import Outcome
from verification.rules import verify

from .corpus import SAMPLES

#: Forms of the main corpus that the sample directory applies, drawn as text.
BASES = ("applied_gp_partner.pdf", "applied_main_contact_update.pdf")
TECHNIQUES = ("render mode 3", "white", "clipped away", "tiny")
OTHER_VALUES = {
    "org_code": ("A81002", "A81003", "B82001", "Y99999"),
    "role": (
        "PL Organisation User Administrator",
        "Main Contact",
        "GPP Practice User Administrator",
    ),
    "request_type": ("New", "Update", "Remove"),
    "nominee_email": ("mallory@nhs.net", "emma.wilson@nhs.net", "sarah.collins@nhs.net"),
    "authoriser_email": ("sarah.collins@nhs.net", "james.patel@nhs.net", "eve@nhs.net"),
}


def _directory() -> MemoryDirectory:
    return MemoryDirectory(
        organisations=[Organisation(*row) for row in sample_directory.ORGANISATIONS],
        staff=[StaffRecord(*row) for row in sample_directory.STAFF],
        ael=[AelEntry(*row) for row in sample_directory.AEL],
        icb_contacts=[IcbContact(*row) for row in sample_directory.ICB_CONTACTS],
        role_holders=[RoleHolder(*row) for row in sample_directory.USER_ADMINS],
    )


DIRECTORY = _directory()


def _values(base: str) -> dict:
    (sample,) = [s for s in MAIN_SAMPLES if s.file == base]
    return dict(sample.requests[0].values)


def _outcome(path_or_bytes: pathlib.Path | bytes) -> Outcome:
    path = path_or_bytes
    if isinstance(path_or_bytes, bytes):
        path = pathlib.Path(_scratch.name) / "planted.pdf"
        path.write_bytes(path_or_bytes)
    (form,) = read_document(path).forms
    values = {k: f.value for k, f in form.fields.items()}
    confidence = {k: f.confidence for k, f in form.fields.items()}
    return verify(values, confidence, received=RECEIVED, directory=DIRECTORY).outcome


class _Scratch:
    name = ""


_scratch = _Scratch()


@pytest.fixture(autouse=True)
def scratch(tmp_path: pathlib.Path) -> None:
    _scratch.name = str(tmp_path)


def plant(base: str, key: str, hidden: str, technique: str) -> bytes:
    """``base`` with ``hidden`` written over ``key``'s printed value, unseen."""
    data = (SAMPLES / base).read_bytes()
    visible = _values(base)[key]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        found = page.search(str(visible), regex=False)
        assert found, f"{visible!r} is printed on {base}"
        hit = found[0]
        width, height = float(page.width), float(page.height)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    x, baseline = hit["x0"], height - hit["bottom"] + 2
    canvas.saveState()
    if technique == "clipped away":
        path = canvas.beginPath()
        path.rect(0, 0, 1, 1)
        canvas.clipPath(path, stroke=0, fill=0)
    if technique == "white":
        canvas.setFillColorRGB(1, 1, 1)
    text = canvas.beginText(x, baseline)
    text.setFont("Helvetica", 0.4 if technique == "tiny" else 10)
    if technique == "render mode 3":
        text.setTextRenderMode(3)
    text.textOut(hidden)
    canvas.drawText(text)
    canvas.restoreState()
    canvas.showPage()
    canvas.save()
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.pages[0].merge_page(pypdf.PdfReader(io.BytesIO(buffer.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("base", BASES)
def test_the_unplanted_forms_are_applied(base: str) -> None:
    assert _outcome(SAMPLES / base) is Outcome.APPLIED


@st.composite
def plantings(draw: st.DrawFn) -> tuple[str, str, str, str]:
    base = draw(st.sampled_from(BASES))
    key = draw(st.sampled_from(sorted(OTHER_VALUES)))
    visible = str(_values(base)[key]).lower()
    hidden = draw(st.sampled_from([v for v in OTHER_VALUES[key] if v.lower() != visible]))
    return base, key, hidden, draw(st.sampled_from(TECHNIQUES))


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(plantings())
def test_hidden_text_over_an_identity_field_is_never_applied(
    planting: tuple[str, str, str, str],
) -> None:
    base, key, hidden, technique = planting
    assert _outcome(plant(base, key, hidden, technique)) is not Outcome.APPLIED


@pytest.mark.parametrize("technique", TECHNIQUES)
def test_a_hidden_value_is_never_read_as_the_value(tmp_path: pathlib.Path, technique: str) -> None:
    path = tmp_path / "planted.pdf"
    path.write_bytes(plant("applied_gp_partner.pdf", "org_code", "Y99999", technique))
    document = read_document(path)
    (form,) = document.forms
    reading = form.fields["org_code"]
    assert reading.value != "Y99999"
    assert reading.confidence < 0.8
    assert any("does not show" in warning for warning in document.warnings)
