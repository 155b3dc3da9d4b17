"""The sample corpus: reproducible, committed as generated, and self-consistent."""

from __future__ import annotations

import csv
import datetime
import pathlib

from sample_forms import generate
from verification.reasons import Finding, ReasonCode, decide

from .corpus import SAMPLES, load_expected

SPEC_HEADERS = {
    "organisations.csv": ["org_code", "name", "org_type", "icb_code", "status"],
    "staff.csv": ["org_code", "full_name", "email", "staff_role", "status"],
    "ael.csv": ["org_code", "email", "status"],
    "icb_contacts.csv": ["icb_code", "full_name", "email", "status"],
    "user_admins.csv": ["org_code", "role_code", "full_name", "email", "status"],
}


def _tree(folder: pathlib.Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and (path.suffix in (".pdf", ".json", ".csv"))
    }


def test_the_generator_writes_the_same_bytes_every_time(tmp_path: pathlib.Path) -> None:
    generate.generate(tmp_path / "one")
    generate.generate(tmp_path / "two")
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_the_committed_corpus_is_what_the_generator_writes(tmp_path: pathlib.Path) -> None:
    generate.generate(tmp_path)
    fresh = _tree(tmp_path)
    committed = {name: data for name, data in _tree(SAMPLES).items() if name in fresh}
    assert sorted(committed) == sorted(fresh)
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert changed == [], "run `python -m sample_forms.generate` and commit the result"


def test_the_directory_csvs_have_the_spec_headers() -> None:
    for name, header in SPEC_HEADERS.items():
        with (SAMPLES / "directory" / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == header
        assert all(len(row) == len(header) for row in rows[1:])


def test_each_expected_status_follows_from_its_codes() -> None:
    for entry in load_expected():
        for request in entry["requests"]:
            codes = [ReasonCode(code) for code in request["codes"]]
            assert request["codes"] == sorted(request["codes"]), entry["file"]
            assert decide([Finding(code) for code in codes]).value == request["status"]
            assert request["about"]


def test_every_form_was_signed_within_90_days_before_it_was_received() -> None:
    for entry in load_expected():
        received = datetime.date.fromisoformat(entry["received"])
        for request in entry["requests"]:
            signed = request["fields"]["date_signed"]
            if signed is not None:
                age = (received - datetime.date.fromisoformat(signed)).days
                assert 0 <= age <= 90, entry["file"]


def test_no_two_requests_share_an_organisation_and_role() -> None:
    pairs = [
        (r["fields"]["org_code"], r["fields"]["role"])
        for entry in load_expected()
        for r in entry["requests"]
        if r["fields"]["org_code"]
    ]
    assert len(pairs) == len(set(pairs))


def test_the_corpus_covers_every_outcome() -> None:
    statuses = [r["status"] for e in load_expected() for r in e["requests"]]
    assert {"applied", "rejected", "review"} <= set(statuses)
