"""ODS organisation files in the shapes ODS publishes them, generated (never
copied from real downloads), for the tests and the ``ods`` benchmark.

Two shapes (``docs/ods-import.md``):

- *legacy*: no header row, the 27 columns of ODS's standard layout at fixed
  positions, status as a one-letter code;
- *header*: a header row naming the columns (as the file descriptions name
  the fields), in another order, status as a word.

``python -m bench.make_ods OUT --orgs 100000`` writes ``epraccur.csv``,
``egdpprac.csv``, ``eopthq.csv`` and ``eccg.csv`` into OUT, plus the
``organisations.csv`` (SPEC §4) holding the same organisations.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

WIDTH = 27
#: The field names of the standard layout as the file descriptions give them
#: (epraccur's; position 15 is "Parent Organisation Code" in egdpprac).
FIELDS = (
    "Organisation Code", "Name", "National Grouping", "High Level Health Geography",
    "Address Line 1", "Address Line 2", "Address Line 3", "Address Line 4", "Address Line 5",
    "Postcode", "Open Date", "Close Date", "Status Code", "Organisation Sub-Type Code",
    "Commissioner", "Join Provider/Purchaser Date", "Left Provider/Purchaser Date",
    "Contact Telephone Number", "Null", "Null", "Null", "Amended Record Indicator", "Null",
    "Provider/Purchaser", "Null", "Prescribing Setting", "Null",
)  # fmt: skip
WORDS = {"A": "Active", "C": "Inactive", "D": "Dormant", "P": "Proposed"}
REGIONS = ("Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63")
TOWNS = ("LEEDS", "BRISTOL", "DERBY", "NORWICH", "EXETER", "YORK", "LUTON", "BATH")


@dataclass(frozen=True)
class Org:
    """One organisation as ODS would publish it."""

    code: str
    name: str
    icb: str = ""
    status: str = "A"  # A C D P
    setting: str = "4"  # epraccur's prescribing setting
    commissioner: str = ""  # epraccur: the Sub ICB Location
    close: str = ""


#: Positions each report leaves empty (besides the Nulls), from its file description.
EMPTY = {
    "epraccur": (),
    "egdpprac": (23, 25),
    "eopthq": (2, 3, 12, 13, 14, 15, 23, 25),
    "eccg": (12, 14, 15, 23, 25),
}


def legacy_row(org: Org, report: str = "epraccur") -> list[str]:
    """The 27 columns of the standard layout for ``org`` in ``report``."""
    row = [""] * WIDTH
    row[0], row[1], row[2], row[3] = org.code, org.name, REGIONS[len(org.name) % 7], org.icb
    row[4], row[6], row[9] = "1 HIGH STREET", TOWNS[len(org.code) % len(TOWNS)], "LS1 4AB"
    row[10] = "19740401"
    row[11] = org.close or ("20240331" if org.status == "C" else "")
    row[12] = org.status
    row[13] = "B"
    row[14] = org.commissioner
    row[15] = "20130401"
    row[17] = "0113 496 0000"
    row[21] = "0"
    row[23] = org.commissioner
    row[25] = org.setting
    for i in EMPTY[report]:
        row[i] = ""
    return row


def write_legacy(path: Path, orgs: Iterable[Org], report: str) -> Path:
    """A headerless file of ``report`` (quoted, CRLF, as the downloads are)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        for org in orgs:
            writer.writerow(legacy_row(org, report))
    return path


def write_header(path: Path, orgs: Iterable[Org], columns: Sequence[str]) -> Path:
    """A header-row export: ``columns`` (names from ``FIELDS``) in that order,
    status as a word."""
    index = {name: i for i, name in enumerate(FIELDS)}
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for org in orgs:
            row = legacy_row(org)  # every field filled: the export names what it holds
            row[12] = WORDS.get(org.status, org.status)
            writer.writerow([row[index[c]] for c in columns])
    return path


def sub_icb_locations(count: int = 40) -> list[Org]:
    """``count`` Sub ICB Locations, four to an ICB (eccg rows)."""
    return [
        Org(f"{i:02d}X", f"NHS AREA {i // 4} ICB - {i:02d}X", icb=f"Q{i // 4:02d}")
        for i in range(count)
    ]


def generate(orgs: int, seed: int = 1) -> dict[str, list[Org]]:
    """``orgs`` organisations split across the three reports, the same for a seed:
    report name -> its rows (plus ``eccg``)."""
    rng = random.Random(seed)
    locations = sub_icb_locations()
    files: dict[str, list[Org]] = {"epraccur": [], "egdpprac": [], "eopthq": []}
    letters = "ABCDEFGHJKLMNPY"
    for i in range(orgs):
        place = f"{TOWNS[rng.randrange(len(TOWNS))]} {i}"
        status = "C" if rng.random() < 0.08 else "A"
        location = locations[rng.randrange(len(locations))]
        share = i % 20
        if share < 12:
            code = f"{letters[i % len(letters)]}{80000 + i // len(letters):05d}"
            files["epraccur"].append(
                Org(code, f"{place} SURGERY", location.icb, status, "4", location.code)
            )
        elif share < 17:
            files["egdpprac"].append(Org(f"V{i:05d}", f"{place} DENTAL CARE", location.icb, status))
        else:
            files["eopthq"].append(Org(f"T{_base36(i)}", f"{place} OPTICIANS LTD", "", status))
    files["eccg"] = locations
    return files


def _base36(n: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(4):
        n, d = divmod(n, 36)
        out = digits[d] + out
    return out


TYPES = {"epraccur": "gp_practice", "egdpprac": "dental", "eopthq": "optometry"}


def write_ods(folder: Path, orgs: int, seed: int = 1) -> int:
    """The four ODS files and the matching ``organisations.csv``; the row count."""
    folder.mkdir(parents=True, exist_ok=True)
    files = generate(orgs, seed)
    write_legacy(folder / "eccg.csv", files["eccg"], "eccg")
    for report in TYPES:
        write_legacy(folder / f"{report}.csv", files[report], report)
    with open(folder / "organisations.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["org_code", "name", "org_type", "icb_code", "status"])
        for report, org_type in TYPES.items():
            for org in files[report]:
                status = "active" if org.status == "A" else "closed"
                writer.writerow([org.code, org.name, org_type, org.icb, status])
    return sum(len(files[report]) for report in TYPES)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.make_ods", description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"{write_ods(args.out, args.orgs, args.seed):,} organisations -> {args.out}")


if __name__ == "__main__":
    main()
