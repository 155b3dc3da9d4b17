"""The benchmark's directory generator: SPEC §4 files that import, the same
for the same seed, with the mix of people the benchmarks rely on."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select

from bench.make_directory import HEADERS, DirectoryInfo, icb_codes, write_directory
from intake.db import Database
from intake.directory.models import Staff
from intake.directory.queries import SqlDirectory
from intake.directory.services import import_directory
from intake.migrate import upgrade


def read(folder, name):
    with open(folder / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("directory")
    return folder, write_directory(folder, orgs=600, staff=6000, seed=7, samples=20)


def test_it_writes_the_five_files_with_the_spec_headers(generated):
    folder, _ = generated
    for name, header in HEADERS.items():
        with open(folder / name, encoding="utf-8") as handle:
            assert handle.readline().rstrip("\n").split(",") == list(header)


def test_it_writes_exactly_the_organisations_and_staff_asked_for(generated):
    folder, info = generated
    assert len(read(folder, "organisations.csv")) == 600
    assert len(read(folder, "staff.csv")) == 6000
    assert info.counts == {name: len(read(folder, name)) for name in HEADERS}


def test_other_files_have_about_one_row_per_organisation_and_three_per_icb(generated):
    _, info = generated
    assert 0.8 * 600 <= info.counts["ael.csv"] <= 1.2 * 600
    assert 0.7 * 600 <= info.counts["user_admins.csv"] <= 1.3 * 600
    assert 2 * len(icb_codes()) <= info.counts["icb_contacts.csv"] <= 4 * len(icb_codes())
    assert len(icb_codes()) == 40


def test_it_mixes_types_statuses_and_roles(generated):
    folder, _ = generated
    orgs = read(folder, "organisations.csv")
    staff = read(folder, "staff.csv")
    assert {o["org_type"] for o in orgs} == {"gp_practice", "optometry", "dental", "pharmacy"}
    assert 0 < sum(o["status"] == "closed" for o in orgs) < 0.06 * len(orgs)
    assert len({o["icb_code"] for o in orgs}) == 40
    roles = Counter(s["staff_role"] for s in staff)
    wanted = {"gp_partner", "caldicott_guardian", "practice_manager", "salaried_gp"}
    assert wanted | {"optometrist", "dentist", "admin"} <= set(roles)
    inactive = sum(s["status"] == "inactive" for s in staff) / len(staff)
    assert 0.06 < inactive < 0.14


def test_some_people_work_at_several_organisations_with_different_statuses(generated):
    folder, _ = generated
    places = defaultdict(set)
    for s in read(folder, "staff.csv"):
        places[s["email"].strip().lower()].add((s["org_code"], s["status"]))
    several = [p for p in places.values() if len({org for org, _ in p}) > 1]
    assert len(several) > 50
    assert any(len({status for _, status in p}) > 1 for p in several)


def test_the_same_seed_gives_the_same_files_and_another_seed_others(tmp_path):
    one = write_directory(tmp_path / "one", orgs=80, staff=700, seed=3, samples=5)
    two = write_directory(tmp_path / "two", orgs=80, staff=700, seed=3, samples=5)
    other = write_directory(tmp_path / "other", orgs=80, staff=700, seed=4, samples=5)
    for name in HEADERS:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert (tmp_path / "one" / "staff.csv").read_bytes() != (
        tmp_path / "other" / "staff.csv"
    ).read_bytes()
    assert one.to_json() == two.to_json()
    assert DirectoryInfo.from_json(one.to_json()) == one
    assert other.to_json() != one.to_json()


def test_fewer_staff_than_organisations_still_gives_exact_counts(tmp_path):
    info = write_directory(tmp_path, orgs=50, staff=20, seed=1)
    assert info.counts["staff.csv"] == 20 == len(read(tmp_path, "staff.csv"))


def test_import_directory_accepts_it_and_finds_the_sampled_people(generated, tmp_path):
    folder, info = generated
    db = Database(f"sqlite:///{tmp_path / 'intake.sqlite3'}")
    upgrade(db.engine)
    try:
        summary = import_directory(db, folder)
        assert summary.counts == info.counts
        with db.session() as session:
            directory = SqlDirectory(session)
            assert session.scalar(select(func.count()).select_from(Staff)) == 6000
            for org in info.samples:
                assert directory.organisation(org.org_code).name == org.name
                for person in org.staff:
                    found = directory.staff_by_email(person.email)
                    assert (org.org_code, person.status) in {(r.org_code, r.status) for r in found}
    finally:
        db.dispose()
