"""A bounded fuzz run over the reader: damaged PDFs end in a reading or a
ReadError (NOT_A_PDF / PDF_UNREADABLE), never another exception or a hang."""

from __future__ import annotations

import signal
from contextlib import contextmanager

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.reading import DocumentReading, ReadError, ReadLimits, read_document
from tests.conftest import ROOT

SEEDS = [
    (ROOT / "sample_forms" / name).read_bytes()
    for name in ("applied_gp_partner.pdf", "applied_caldicott_acroform_by_key.pdf")
]


@contextmanager
def deadline(seconds: int):
    def expired(*_):
        raise TimeoutError(f"reading took longer than {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@st.composite
def damaged_pdfs(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "splice"]))
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[at : at + draw(st.integers(1, 400))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=40))
        else:
            token = draw(
                st.sampled_from(
                    [
                        b"<<",
                        b">>",
                        b"[",
                        b"]",
                        b"obj",
                        b"endobj",
                        b"stream",
                        b"/Prev 0",
                        b" 0 R",
                        b"%%EOF",
                    ]
                )
            )
            data[at:at] = token
        if not data:
            break
    return bytes(data)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=damaged_pdfs())
def test_damaged_pdfs_end_in_a_reading_or_a_read_error(data, tmp_path):
    path = tmp_path / "fuzz.pdf"
    path.write_bytes(data)
    try:
        with deadline(20):
            result = read_document(path, ReadLimits())
    except ReadError as error:
        assert error.code in ("NOT_A_PDF", "PDF_UNREADABLE")
        assert error.message
    else:
        assert isinstance(result, DocumentReading)
