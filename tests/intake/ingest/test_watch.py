"""The watched folder: a file is taken once stable, moved only after its
submission is committed, and refused with a written reason when it is not a PDF."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from intake.ingest.models import WatchedFile
from intake.ingest.watch import scan_folder
from intake.submissions.models import Submission
from tests.conftest import ROOT

FORM = (ROOT / "sample_forms" / "applied_gp_partner.pdf").read_bytes()
OTHER_FORM = (ROOT / "sample_forms" / "rejected_org_closed.pdf").read_bytes()


@pytest.fixture
def folder(tmp_path) -> Path:
    path = tmp_path / "drop"
    path.mkdir()
    return path


def scan(intake, folder, now, enqueue=None):
    return scan_folder(intake, folder, enqueue, stable_for_s=2, now=now)


def settle(intake, folder, enqueue=None):
    """Two looks far enough apart for every unchanged file to be stable."""
    scan(intake, folder, 1000.0, enqueue)
    return scan(intake, folder, 1010.0, enqueue)


def submissions(intake) -> list[Submission]:
    with intake.db.session() as session:
        return list(session.scalars(select(Submission).order_by(Submission.id)))


def watched(intake) -> list[WatchedFile]:
    with intake.db.session() as session:
        return list(session.scalars(select(WatchedFile).order_by(WatchedFile.id)))


def test_a_file_is_taken_only_once_it_has_stopped_changing(intake, folder):
    form = folder / "form.pdf"
    form.write_bytes(FORM[:1000])

    assert scan(intake, folder, 0.0) == []  # first look
    assert scan(intake, folder, 1.0) == []  # not long enough
    with open(form, "ab") as handle:  # still being copied
        handle.write(FORM[1000:])
    assert scan(intake, folder, 5.0) == []  # it changed: the clock starts again
    assert form.exists() and submissions(intake) == []

    (result,) = scan(intake, folder, 7.5)

    assert result.outcome == "taken"
    assert result.references and result.references[0].startswith("UA-")
    assert not form.exists()
    assert (folder / "processed" / "form.pdf").read_bytes() == FORM
    (submission,) = submissions(intake)
    assert (submission.channel, submission.original_filename) == ("folder", "form.pdf")
    assert submission.received_on == dt.datetime.now(ZoneInfo("Europe/London")).date()
    (record,) = watched(intake)
    assert (record.outcome, record.submission_id) == ("taken", submission.id)


def test_each_new_submission_is_enqueued_after_it_is_committed(intake, folder):
    (folder / "form.pdf").write_bytes(FORM)
    committed = []

    def enqueue(submission_id):
        with intake.db.session() as session:
            committed.append(session.get(Submission, submission_id) is not None)

    settle(intake, folder, enqueue)

    assert committed == [True]


def test_a_file_stays_where_it_is_when_its_submission_cannot_be_committed(intake, folder):
    (folder / "form.pdf").write_bytes(FORM)
    with intake.db.session() as session:
        session.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON submissions "
                "BEGIN SELECT RAISE(ABORT, 'database unavailable'); END"
            )
        )

    with pytest.raises(Exception, match="database unavailable"):
        settle(intake, folder)

    assert (folder / "form.pdf").exists()
    assert not (folder / "processed").exists()
    assert watched(intake) == []
    with intake.db.session() as session:
        session.execute(text("DROP TRIGGER refuse"))
    (result,) = scan(intake, folder, 1020.0)
    assert result.outcome == "taken" and not (folder / "form.pdf").exists()


def test_a_crash_after_commit_but_before_the_move_takes_the_file_once(intake, folder):
    (folder / "form.pdf").write_bytes(FORM)

    def crash(_submission_id):
        raise SystemExit("the process died after the commit")

    with pytest.raises(SystemExit):
        settle(intake, folder, crash)
    assert (folder / "form.pdf").exists()

    (result,) = scan(intake, folder, 1020.0)

    assert result.duplicate
    assert len(submissions(intake)) == 1
    assert (folder / "processed" / "form.pdf").exists()


def test_the_same_bytes_under_another_name_get_the_first_references(intake, folder):
    (folder / "a.pdf").write_bytes(FORM)
    (folder / "b.pdf").write_bytes(FORM)
    (folder / "c.pdf").write_bytes(OTHER_FORM)

    first, second, third = settle(intake, folder)

    assert second.duplicate and second.references == first.references
    assert not third.duplicate and third.references != first.references
    assert len(submissions(intake)) == 2
    assert sorted(p.name for p in (folder / "processed").iterdir()) == ["a.pdf", "b.pdf", "c.pdf"]


def test_a_second_file_of_the_same_name_does_not_overwrite_the_first(intake, folder):
    (folder / "scan.pdf").write_bytes(FORM)
    settle(intake, folder)
    (folder / "scan.pdf").write_bytes(OTHER_FORM)

    scan(intake, folder, 2000.0)
    scan(intake, folder, 2010.0)

    assert (folder / "processed" / "scan.pdf").read_bytes() == FORM
    assert (folder / "processed" / "scan-2.pdf").read_bytes() == OTHER_FORM


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("form.pdf", b"<!DOCTYPE html><html>form</html>", "web page (HTML), not a PDF"),
        ("letter.docx", b"PK\x03\x04 word", "ZIP archive"),
        ("empty.pdf", b"", "the file is empty"),
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused_with_the_reason_beside_it(
    intake, folder, name, data, why
):
    (folder / name).write_bytes(data)

    (result,) = settle(intake, folder)

    assert result.outcome == "refused" and why in result.why
    assert (folder / "refused" / name).read_bytes() == data
    assert why in (folder / "refused" / f"{name}.txt").read_text()
    assert submissions(intake) == []
    assert watched(intake)[0].outcome == "refused"


def test_a_file_over_the_size_limit_is_refused_without_being_read(intake, folder):
    big = folder / "big.pdf"
    with open(big, "wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(intake.settings.max_upload_bytes + 1)

    (result,) = settle(intake, folder)

    assert result.outcome == "refused" and "the limit is 20 MB" in result.why
    assert (folder / "refused" / "big.pdf").exists()


def test_hidden_partial_and_linked_files_and_folders_are_left_alone(intake, folder, tmp_path):
    for name in (".hidden.pdf", "~lock.pdf", "copying.pdf.part", "x.tmp", "dl.crdownload"):
        (folder / name).write_bytes(FORM)
    (folder / "sub").mkdir()
    (tmp_path / "elsewhere.pdf").write_bytes(FORM)
    os.symlink(tmp_path / "elsewhere.pdf", folder / "link.pdf")

    assert settle(intake, folder) == []
    assert submissions(intake) == []
    assert (folder / "copying.pdf.part").exists()


def test_a_scan_while_another_runs_does_nothing(intake, folder):
    import fcntl

    (folder / "form.pdf").write_bytes(FORM)
    with open(folder / ".intake-watch.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        assert settle(intake, folder) == []
    assert len(settle(intake, folder)) == 1
