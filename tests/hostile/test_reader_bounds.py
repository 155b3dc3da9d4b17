"""Hostile PDFs get their SPEC code and a clear message; the reader child is
bounded in memory and time, and the worker's own process never parses."""

from __future__ import annotations

import io
import os
import resource
import signal
import time
import zipfile

import pytest
from pypdf import PdfWriter

from intake.reading import ReadLimits
from intake.reading.model import NotAPdf, PdfUnreadable, TooHeavy
from intake.reading.sandbox import ReaderCrashed, ReaderProcess, SandboxLimits
from tests.conftest import ROOT
from tests.hostile import pdfs

GOOD = ROOT / "sample_forms" / "applied_gp_partner.pdf"
BOMB_SIZE = 1 << 30  # inflates to 1 GB; the child, its engines loaded, has about 450 MB left


@pytest.fixture(scope="module")
def reader():
    process = ReaderProcess(SandboxLimits(memory_mb=1200, wall_s=30))
    yield process
    process.close()


def encrypted() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_file() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("form.pdf", GOOD.read_bytes())
    return out.getvalue()


HOSTILE = {
    "flate bomb": (lambda: pdfs.flate_bomb(BOMB_SIZE), PdfUnreadable),
    "nested flate bomb": (lambda: pdfs.nested_flate_bomb(BOMB_SIZE), PdfUnreadable),
    "very deep nesting": (pdfs.deep_nesting, PdfUnreadable),
    "10,000 pages": (pdfs.many_pages, PdfUnreadable),
    "encrypted": (encrypted, PdfUnreadable),
    "truncated": (lambda: GOOD.read_bytes()[: len(GOOD.read_bytes()) // 2], PdfUnreadable),
    "zero bytes": (lambda: b"", NotAPdf),
    "PNG named .pdf": (lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 100, NotAPdf),
    "ZIP named .pdf": (zip_file, NotAPdf),
    "HTML named .pdf": (lambda: b"<!doctype html><html><script>x()</script></html>", NotAPdf),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_each_hostile_file_gets_its_code_and_a_clear_message(name, reader, tmp_path):
    make, expected = HOSTILE[name]
    path = tmp_path / "hostile.pdf"
    path.write_bytes(make())

    with pytest.raises(expected) as raised:
        reader.read(path, ReadLimits(max_pages=50))

    assert raised.value.code == expected.code
    assert len(raised.value.message) > 10
    # The reader is still there for the next file.
    assert reader.read(GOOD, ReadLimits()).forms[0].value("org_code") == "A81001"


def test_an_xref_prev_loop_is_repaired_as_a_viewer_repairs_it(reader, tmp_path):
    # A complete file whose cross-reference chain loops: pdfium rebuilds it.
    path = tmp_path / "loop.pdf"
    path.write_bytes(pdfs.xref_prev_loop())

    assert reader.read(path, ReadLimits()).forms == ()
    assert reader.read(GOOD, ReadLimits()).forms[0].value("org_code") == "A81001"


def test_circular_xobjects_end_without_a_form(reader, tmp_path):
    path = tmp_path / "circular.pdf"
    path.write_bytes(pdfs.circular_xobjects())

    assert reader.read(path, ReadLimits()).forms == ()


def test_a_file_that_reads_too_long_is_stopped_and_the_next_one_is_read(tmp_path):
    reader = ReaderProcess(SandboxLimits(memory_mb=1200, wall_s=2))
    path = tmp_path / "slow.pdf"
    path.write_bytes(pdfs.slow_page(1_000_000))
    try:
        with pytest.raises(PdfUnreadable, match="longer than 2 seconds"):
            reader.read(path, ReadLimits())
        assert reader.read(GOOD, ReadLimits()).forms
    finally:
        reader.close()


def test_in_the_fast_lane_a_file_that_reads_too_long_is_too_heavy_not_unreadable(tmp_path):
    reader = ReaderProcess(SandboxLimits(memory_mb=1200, wall_s=60))
    path = tmp_path / "slow.pdf"
    # Under the fast lane's bound on drawing, yet too slow for its time.
    path.write_bytes(pdfs.slow_page(60_000))
    fast = ReadLimits(heavy=False)
    try:
        started = time.monotonic()
        with pytest.raises(TooHeavy, match="reading took over 0.05 s"):
            reader.begin(path, fast, wall_s=0.05).result()
        assert time.monotonic() - started < 5  # stopped, not read to its end
        assert reader.begin(GOOD, fast, wall_s=30).result().forms
    finally:
        reader.close()


def test_a_reader_that_dies_mid_file_is_reported_as_a_crash_and_replaced(tmp_path):
    reader = ReaderProcess(SandboxLimits(memory_mb=1200, wall_s=60))
    path = tmp_path / "slow.pdf"
    path.write_bytes(pdfs.slow_page(1_000_000))
    reader.read(GOOD, ReadLimits())
    try:
        pending = reader.begin(path, ReadLimits())  # the child is now reading it
        time.sleep(0.5)
        os.kill(reader._proc.pid, signal.SIGKILL)

        with pytest.raises(ReaderCrashed):
            pending.result()
        assert reader.read(GOOD, ReadLimits()).forms
    finally:
        reader.close()


def test_the_parent_process_memory_stays_flat_while_bombs_are_read(reader, tmp_path):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(pdfs.nested_flate_bomb(BOMB_SIZE))
    reader.read(GOOD, ReadLimits())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    for _ in range(3):
        with pytest.raises(PdfUnreadable):
            reader.read(path, ReadLimits())

    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 20 * 1024


def test_text_with_a_script_tag_is_read_as_plain_text(reader, tmp_path):
    path = tmp_path / "script.pdf"
    path.write_bytes(pdfs.script_in_text())

    reading = reader.read(path, ReadLimits())

    assert reading.page_count == 1 and reading.forms == ()
