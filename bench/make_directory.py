"""A synthetic organisation directory (SPEC §4) of any size, for benchmarks.

``python -m bench.make_directory OUT --orgs 100000 --staff 1000000`` writes
the five CSV files into OUT. Rows are written as they are made (memory does
not grow with the size) and the same seed always gives the same files.

:func:`write_directory` does the same from Python and returns a
:class:`DirectoryInfo`: the counts and a sample of organisations with their
people, from which the verify benchmark builds forms that find (or
deliberately miss) real rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import time
from array import array
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(sep))


FIRST = _words(
    "Sarah James Emma Oliver Amelia Harry Olivia George Isla Noah Ava Jack Mia Leo Grace "
    "Arthur Lily Oscar Freya Charlie Ella Henry Sophie Thomas Chloe William Ruby Jacob "
    "Evie Alfie Ivy Joshua Poppy Daniel Alice Samuel Florence Mohammed Aisha Raj Priya "
    "Arjun Zara Tom Helen Mark Rachel Paul Claire David Anita Michael Kate Robert Hannah "
    "Peter Laura Ian"
)
LAST = _words(
    "Collins Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright "
    "Thompson Evans Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Lewis "
    "Harris Martin Cooper King Baker Morris Mehta Shah Ahmed Begum Hughes Edwards Turner "
    "Hill Moore Ward Reed Price Adams Rao Stone Dunn Fox Long Ford Ali Murphy Kelly Bell "
    "Scott Young Allen"
)
PLACES = _words(
    "Riverside, Hillview, Moorside, Parkway, Brook Lane, Church Street, Market Square, "
    "Oakwood, Elmfield, Castle Meadow, Northgate, Southfield, Westbury, Eastleigh, "
    "Kingsway, Queensway, Abbey, Millbrook, Ashford, Beacon, Cedar, Fairview, Greenbank, "
    "Harbour, Highfield, Larkhill, Linden, Maple, Newbridge, Orchard, Priory, Redhill, "
    "Rosebank, Springfield, Stonebridge, Victoria, Willow",
    sep=",",
)
ORG_TYPES = ("gp_practice", "pharmacy", "dental", "optometry")
ORG_TYPE_WEIGHTS = (45, 25, 18, 12)
ORG_SUFFIX = {
    "gp_practice": ("Surgery", "Medical Centre", "Health Centre", "Family Practice"),
    "pharmacy": ("Pharmacy", "Chemist"),
    "dental": ("Dental Practice", "Dental Care"),
    "optometry": ("Opticians", "Eyecare"),
}
#: Relative staff size of each organisation type.
STAFF_WEIGHT = {"gp_practice": 16, "pharmacy": 5, "dental": 8, "optometry": 6}
#: Roles of the people after an organisation's leading ones, with weights.
FILLER_ROLES = {
    "gp_practice": (("salaried_gp", 3), ("admin", 5), ("practice_manager", 1)),
    "pharmacy": (("pharmacist", 2), ("admin", 3)),
    "dental": (("dentist", 3), ("admin", 3)),
    "optometry": (("optometrist", 3), ("admin", 2)),
}
ICB_COUNT = 40
ORG_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXY"
#: How many recent people may turn up again at another organisation.
POOL_SIZE = 20_000

HEADERS = {
    "organisations.csv": ("org_code", "name", "org_type", "icb_code", "status"),
    "staff.csv": ("org_code", "full_name", "email", "staff_role", "status"),
    "ael.csv": ("org_code", "email", "status"),
    "icb_contacts.csv": ("icb_code", "full_name", "email", "status"),
    "user_admins.csv": ("org_code", "role_code", "full_name", "email", "status"),
}


@dataclass(frozen=True)
class Person:
    full_name: str
    email: str  # lower-case, as the service stores it
    role: str = ""
    status: str = "active"


@dataclass
class OrgSample:
    """One organisation as written, with its staff, AEL and role holders."""

    org_code: str
    name: str
    org_type: str
    icb_code: str
    status: str
    staff: list[Person] = field(default_factory=list)
    ael: list[Person] = field(default_factory=list)  # email and status only
    holders: list[Person] = field(default_factory=list)  # role is the §3 role code
    #: Emails of this organisation's people who also work elsewhere.
    elsewhere: list[str] = field(default_factory=list)


@dataclass
class DirectoryInfo:
    """What :func:`write_directory` wrote: counts, ICB contacts and sample orgs."""

    orgs: int
    staff: int
    seed: int
    counts: dict[str, int]
    icb_contacts: list[OrgSample]  # org_code holds the ICB code, staff the one contact
    samples: list[OrgSample]

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> DirectoryInfo:
        data = json.loads(text)

        def org(raw: dict) -> OrgSample:
            people = {k: [Person(**p) for p in raw[k]] for k in ("staff", "ael", "holders")}
            return OrgSample(**{**raw, **people})

        return cls(
            orgs=data["orgs"],
            staff=data["staff"],
            seed=data["seed"],
            counts=data["counts"],
            icb_contacts=[org(o) for o in data["icb_contacts"]],
            samples=[org(o) for o in data["samples"]],
        )

    @property
    def total_rows(self) -> int:
        return sum(self.counts.values())


def icb_codes() -> list[str]:
    """The ICB codes: Q followed by two letters (QAA, QAB, ...)."""
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return [f"Q{a}{b}" for a in letters for b in letters][:ICB_COUNT]


def org_code(index: int) -> str:
    """A unique ODS-like code: a letter and five digits (A00000, B00000, ...)."""
    letter = ORG_LETTERS[index % len(ORG_LETTERS)]
    return f"{letter}{index // len(ORG_LETTERS):05d}"


def _organisations(seed: int, count: int) -> Iterator[tuple[OrgSample, int]]:
    """Every organisation with its staff weight; the same for the same seed."""
    rng = random.Random(f"orgs-{seed}")
    icbs = icb_codes()
    for index in range(count):
        org_type = rng.choices(ORG_TYPES, ORG_TYPE_WEIGHTS)[0]
        place = rng.choice(PLACES)
        name = f"{place} {rng.choice(ORG_SUFFIX[org_type])}"
        if rng.random() < 0.3:
            name = f"{rng.choice(PLACES)} Road {name}"
        status = "closed" if rng.random() < 0.02 else "active"
        org = OrgSample(org_code(index), name, org_type, rng.choice(icbs), status)
        yield org, STAFF_WEIGHT[org_type] * rng.randint(5, 15)


class _People:
    """Makes people with unique emails, and sometimes brings back an earlier one."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.made = 0
        self.pool: list[Person] = []

    def new(self, domain: str = "nhs.net") -> Person:
        self.made += 1
        first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        person = Person(f"{first} {last}", f"{first}.{last}{self.made}@{domain}".lower())
        if self.rng.random() < 0.1:
            if len(self.pool) < POOL_SIZE:
                self.pool.append(person)
            else:
                self.pool[self.rng.randrange(POOL_SIZE)] = person
        return person

    def again(self, exclude: set[str]) -> Person | None:
        """Someone already working elsewhere, or ``None``."""
        if not self.pool:
            return None
        person = self.rng.choice(self.pool)
        return None if person.email in exclude else person


def _staff_roles(rng: random.Random, org_type: str, count: int) -> list[str]:
    """The staff roles of an organisation with ``count`` people, leaders first."""
    if org_type == "gp_practice":
        leading = ["gp_partner"] * rng.randint(1, 4) + ["caldicott_guardian", "practice_manager"]
    elif org_type == "pharmacy":
        leading = ["pharmacist"]
    elif org_type == "dental":
        leading = ["dentist", "practice_manager"]
        leading += ["caldicott_guardian"] * (rng.random() < 0.3)
    else:
        leading = ["optometrist", "practice_manager"]
        leading += ["caldicott_guardian"] * (rng.random() < 0.3)
    roles, weights = zip(*FILLER_ROLES[org_type], strict=True)
    filler = rng.choices(roles, weights, k=max(0, count - len(leading)))
    return (leading + filler)[:count]


def _written_email(rng: random.Random, email: str) -> str:
    """The email as a directory file might spell it (some upper case, stray spaces)."""
    roll = rng.random()
    if roll < 0.02:
        local, domain = email.split("@")
        return f"{local.title()}@{domain.upper()}"
    if roll < 0.03:
        return f" {email} "
    return email


def _holder_roles(rng: random.Random, org_type: str) -> list[str]:
    """The §3 roles currently held at an organisation (about one per organisation)."""
    roles: list[str] = []
    if org_type == "gp_practice":
        roles += ["MAIN_CONTACT"] * (rng.random() < 0.8)
        roles += ["GPP_UA"] * rng.choices((0, 1, 2, 4), (60, 25, 8, 7))[0]
        roles += ["PL_UA"] * (rng.random() < 0.2)
    elif org_type == "optometry":
        roles += ["OPTO_UA"] * (rng.random() < 0.7) + ["PL_UA"] * (rng.random() < 0.4)
    elif org_type == "dental":
        roles += ["PL_UA"] * (rng.random() < 0.7)
    return roles


def write_directory(
    folder: Path | str, *, orgs: int, staff: int, seed: int = 1, samples: int = 200
) -> DirectoryInfo:
    """Write a directory of ``orgs`` organisations and exactly ``staff`` staff rows.

    About 2% of organisations are closed, 10% of staff rows inactive, and 5%
    of staff rows are people who also work at another organisation (often
    with another status there). AEL, role holders: about one per organisation;
    ICB contacts: about three per ICB. ``samples`` organisations (chosen
    evenly through the file) come back with their people.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(HEADERS, 0)
    weights = array("q")
    with _writer(folder / "organisations.csv") as out:
        for org, weight in _organisations(seed, orgs):
            out.writerow((org.org_code, org.name, org.org_type, org.icb_code, org.status))
            weights.append(weight)
    counts["organisations.csv"] = orgs
    total_weight = sum(weights)

    rng = random.Random(f"people-{seed}")
    picker = random.Random(f"samples-{seed}")
    people = _People(rng)
    chosen: list[OrgSample] = []
    with ExitStack() as stack:
        writers = {
            name: stack.enter_context(_writer(folder / name))
            for name in ("staff.csv", "ael.csv", "user_admins.csv")
        }
        cumulative = 0
        for index, (org, weight) in enumerate(_organisations(seed, orgs)):
            start = cumulative * staff // total_weight
            cumulative += weight
            size = cumulative * staff // total_weight - start
            _fill_org(rng, people, org, size)
            for p in org.staff:
                writers["staff.csv"].writerow(
                    (org.org_code, p.full_name, _written_email(rng, p.email), p.role, p.status)
                )
            for p in org.ael:
                writers["ael.csv"].writerow((org.org_code, p.email, p.status))
            for p in org.holders:
                writers["user_admins.csv"].writerow(
                    (org.org_code, p.role, p.full_name, p.email, p.status)
                )
            counts["staff.csv"] += len(org.staff)
            counts["ael.csv"] += len(org.ael)
            counts["user_admins.csv"] += len(org.holders)
            # Reservoir sampling: every organisation equally likely to be kept.
            if len(chosen) < samples:
                chosen.append(org)
            else:
                slot = picker.randrange(index + 1)
                if slot < samples:
                    chosen[slot] = org

    icb_contacts = _write_icb_contacts(folder / "icb_contacts.csv", people, rng)
    counts["icb_contacts.csv"] = sum(len(icb.staff) for icb in icb_contacts)
    chosen.sort(key=lambda o: o.org_code)
    return DirectoryInfo(orgs, staff, seed, counts, icb_contacts, chosen)


def _fill_org(rng: random.Random, people: _People, org: OrgSample, size: int) -> None:
    """Give ``org`` its staff, AEL entries and role holders."""
    here: set[str] = set()
    for role in _staff_roles(rng, org.org_type, size):
        person = people.again(here) if rng.random() < 0.05 else None
        if person is not None:
            status = "inactive" if rng.random() < 0.3 else "active"
            org.elsewhere.append(person.email)
        else:
            person = people.new()
            status = "inactive" if rng.random() < 0.09 else "active"
        here.add(person.email)
        title = "Dr " if role in ("gp_partner", "salaried_gp") and rng.random() < 0.3 else ""
        org.staff.append(Person(title + person.full_name, person.email, role, status))

    for _ in range(rng.choices((0, 1, 2), (20, 60, 20))[0]):
        managers = [s for s in org.staff if s.role == "practice_manager"]
        if managers and rng.random() < 0.5 and managers[0].email not in {a.email for a in org.ael}:
            email = managers[0].email
        else:
            email = f"{org.org_code.lower()}.{'admin' if not org.ael else 'office'}@nhs.net"
        status = "removed" if rng.random() < 0.1 else "active"
        org.ael.append(Person("", email, "", status))

    for role_code in _holder_roles(rng, org.org_type):
        candidates = [s for s in org.staff if s.role in ("practice_manager", "admin")]
        taken = {h.email for h in org.holders if h.role == role_code}
        candidates = [c for c in candidates if c.email not in taken]
        person = rng.choice(candidates) if candidates else people.new()
        status = "deactivated" if rng.random() < 0.08 else "active"
        org.holders.append(Person(person.full_name, person.email, role_code, status))


def _write_icb_contacts(path: Path, people: _People, rng: random.Random) -> list[OrgSample]:
    icbs = []
    with _writer(path) as out:
        for code in icb_codes():
            icb = OrgSample(code, f"{code} Integrated Care Board", "icb", code, "active")
            for _ in range(rng.randint(2, 4)):
                person = people.new()
                status = "inactive" if rng.random() < 0.1 else "active"
                icb.staff.append(Person(person.full_name, person.email, "icb_contact", status))
                out.writerow((code, person.full_name, person.email, status))
            icbs.append(icb)
    return icbs


class _writer:
    """A CSV file opened for writing with its SPEC header already written."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self):
        self.handle = open(self.path, "w", newline="", encoding="utf-8", buffering=1 << 20)
        out = csv.writer(self.handle, lineterminator="\n")
        out.writerow(HEADERS[self.path.name])
        return out

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.make_directory", description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write the CSV files into")
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--staff", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    info = write_directory(args.out, orgs=args.orgs, staff=args.staff, seed=args.seed)
    seconds = time.perf_counter() - started
    for name, count in info.counts.items():
        print(f"{name:20} {count:>10,}")
    print(f"{info.total_rows:,} rows in {seconds:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
