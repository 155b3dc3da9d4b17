"""The NHS Organisation Data Service's (ODS) organisation files, read as ODS
publishes them, into the organisations table.

Four reports are understood (``docs/ods-import.md`` says where each choice
comes from):

- ``epraccur``: GP practices, that is prescribing cost centres whose
  prescribing setting is 4; the other settings are skipped;
- ``egdpprac``: dental practices; a code sent in NHS Dental Services' 7
  character form (``V0`` and five digits) is written in ODS's 6 character form;
- ``eopthq``: optical headquarters (the optometry contractors);
- ``eccg``: Sub ICB Locations and the ICB each belongs to. It adds no
  organisation: it resolves and checks the ``icb_code`` of the others.

Each file is either ODS's legacy headerless CSV (fixed positions of the
27-column standard layout) or an export with a header row (columns found by
name). The import is one transaction: a full file replaces the organisations
of its kind, a ``_changes_`` file only adds and updates, and a malformed file
changes nothing (:class:`DirectoryImportError` names the file and line).
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from sqlalchemy import delete, select

from intake import audit
from intake.db import Database
from intake.directory.models import Organisation
from intake.directory.services import DirectoryImportError, _indexes_rebuilt, _insert

COLUMNS = ["org_code", "name", "org_type", "icb_code", "status"]
CODE = re.compile(r"^[A-Z0-9]{3,6}$")
#: NHS Dental Services' 7 character recoding of a 6 character V code.
DENTAL_SEVEN = re.compile(r"^V0(\d{5})$")
PROPOSED = "proposed (not yet open)"

# 0-based positions in ODS's standard 27-column layout.
_CODE, _NAME, _ICB, _CLOSE, _STATUS, _COMMISSIONER, _SETTING = 0, 1, 3, 11, 12, 14, 25

#: epraccur's prescribing settings; only 4 is a GP practice.
SETTINGS = {
    "0": "other",
    "1": "walk-in centre",
    "2": "out of hours",
    "3": "walk-in centre and out of hours",
    "4": "GP practice",
    "8": "public health service",
    "9": "community health service",
    "10": "hospital service",
    "11": "optometry service",
    "12": "urgent and emergency care",
    "13": "hospice",
    "14": "care home or nursing home",
    "15": "border force",
    "16": "young offender institution",
    "17": "secure training centre",
    "18": "secure children's home",
    "19": "immigration removal centre",
    "20": "court",
    "21": "police custody",
    "22": "sexual assault referral centre",
    "24": "other justice estate",
    "25": "prison",
}

# A status as ODS writes it (code or word, lower case) -> ours; None: skip the row.
_STATUSES: dict[str, str | None] = {
    "a": "active",
    "active": "active",
    "c": "closed",
    "closed": "closed",
    "inactive": "closed",
    "d": "closed",  # dormant: no practitioners linked to it
    "dormant": "closed",
    "p": None,  # proposed: listed before it opens
    "proposed": None,
}

_AS_WRITTEN = {**_STATUSES, **{k.upper(): v for k, v in _STATUSES.items() if len(k) == 1}}

# Header names (lower case, letters and digits only) of each field.
_ALIASES = {
    "code": ("organisationcode", "code", "odscode", "orgcode", "practicecode"),
    "name": ("name", "organisationname", "practicename"),
    "icb": ("highlevelhealthgeography", "icb", "icbcode", "icbodscode"),
    "status": ("statuscode", "status", "recordstatus"),
    "close": ("closedate", "legalclosedate", "operationalclosedate", "enddate"),
    "setting": ("prescribingsetting", "practicetype"),
    "commissioner": ("commissioner", "subicblocation", "subicblocationcode"),
}


@dataclass(frozen=True)
class OdsKind:
    """One ODS report: what it holds and which columns of it are read."""

    report: str
    title: str
    org_type: str | None  # None: the ICB file, which adds no organisation
    status: bool = False  # a Status Code column (else the Close Date decides)
    icb: bool = False  # High Level Health Geography holds the ICB
    setting: bool = False
    commissioner: bool = False

    @property
    def legacy(self) -> dict[str, int]:
        """Field -> position in the headerless layout."""
        found = {"code": _CODE, "name": _NAME}
        found["status" if self.status else "close"] = _STATUS if self.status else _CLOSE
        if self.icb:
            found["icb"] = _ICB
        if self.setting:
            found["setting"] = _SETTING
        if self.commissioner:
            found["commissioner"] = _COMMISSIONER
        return found


KINDS = {
    kind.report: kind
    for kind in (
        OdsKind("epraccur", "GP practices", "gp_practice", True, True, True, True),
        OdsKind("egdpprac", "dental practices", "dental", status=True, icb=True),
        OdsKind("eopthq", "optical headquarters", "optometry"),
        OdsKind("eccg", "Sub ICB Locations (ICB file)", None, icb=True),
    )
}
#: Recognised, and left out with a reason.
NOT_IMPORTED = {
    "eoptsite": "optical sites are premises of an optical headquarters (eopthq), "
    "which is the organisation PCSE registers",
}
_REPORT = re.compile(r"(?<![a-z])(" + "|".join([*KINDS, *NOT_IMPORTED]) + r")(?![a-z])")


@dataclass
class FileReport:
    """What one file gave."""

    name: str
    kind: OdsKind | None
    header: bool = False
    changes_only: bool = False
    rows: int = 0
    active: int = 0
    closed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    recoded: int = 0  # dental codes written in ODS's 6 character form
    ignored: str | None = None  # why the whole file was left out

    @property
    def imported(self) -> int:
        return self.active + self.closed


@dataclass
class OdsImportSummary:
    """What an import read (per file) and what it changed in the table."""

    files: list[FileReport] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: Counter[str] = field(default_factory=Counter)  # by org_type
    icb_resolved: int = 0  # a Sub ICB Location code replaced by its ICB
    icb_unknown: Counter[str] = field(default_factory=Counter)  # not in the ICB file
    icb_missing: int = 0


def kind_of(path: Path) -> tuple[str, bool]:
    """The ODS report a file holds, from its name, and whether it holds only changes.

    >>> kind_of(Path("22_04_2025_epraccur.csv"))
    ('epraccur', False)
    >>> kind_of(Path("egdpprac_changes_20250301_to_20250424.csv"))
    ('egdpprac', True)
    """
    name = path.name.lower()
    found = _REPORT.search(name)
    if not found:
        known = ", ".join([*KINDS, *NOT_IMPORTED])
        raise DirectoryImportError(
            f"{path.name}: not an ODS file this import knows; the name must say which "
            f"report it is ({known})"
        )
    return found.group(1), "_changes_" in name


def _text(path: Path, report: str) -> str:
    """The file's text; a ``.zip`` as ODS publishes it gives its CSV member."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.namelist() if m.lower().endswith(".csv")]
            wanted = [m for m in members if report in m.lower()] or members
            if len(wanted) != 1:
                raise DirectoryImportError(f"{path.name}: expected one {report} CSV inside")
            data = archive.read(wanted[0])
    else:
        data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")  # older ODS downloads are Windows-encoded


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def _positions(first: list[str], kind: OdsKind, name: str) -> dict[str, int] | None:
    """Field -> column for a header row, or None when ``first`` is a data row."""
    keys = [_key(cell) for cell in first]
    if not any(key in _ALIASES["code"] for key in keys):
        return None
    found = {}
    for wanted, aliases in _ALIASES.items():
        for alias in aliases:
            if alias in keys:
                found[wanted] = keys.index(alias)
                break
    missing = [f for f in ("code", "name") if f not in found]
    if kind.org_type and "status" not in found and "close" not in found:
        missing.append("status or close date")
    if kind.org_type is None and "icb" not in found:
        missing.append("high level health geography (the ICB)")
    if missing:
        raise DirectoryImportError(f"{name}:1: no column for {', '.join(missing)}")
    if not kind.setting:
        found.pop("setting", None)
    return found


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each CSV record of ``text``.

    A line written as ODS writes them (every field quoted and no quote inside
    one, or no quote at all) is split directly, several times faster than the
    csv module; any other line (a quote inside a field, a field running on to
    the next line) goes through the csv module.
    """
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    total, i = len(lines), 0
    while i < total:
        line = lines[i].removesuffix("\r")
        i += 1
        quotes = line.count('"')
        if not quotes:
            yield i, line.split(",") if line else []
            continue
        if line[0] == '"' and line[-1] == '"':
            fields = line[1:-1].split('","')
            if quotes == 2 * len(fields):
                yield i, fields
                continue
        start = i
        while quotes % 2 and i < total:
            line += "\n" + lines[i].removesuffix("\r")
            quotes += lines[i].count('"')
            i += 1
        yield start, next(csv.reader([line]), [])


def _read(
    path: Path,
    kind: OdsKind,
    report: FileReport,
    seen: dict[str, tuple[str, int]],
    out: list[tuple[str, str, str, str, str]],
    summary: OdsImportSummary,
    locations: dict[str, str],
) -> None:
    """Append ``(code, name, org_type, icb, status)`` for each row of ``path``
    to ``out``; rows left out are counted in ``report.skipped``. The ICB is
    resolved through ``locations`` (Sub ICB Location -> ICB) when known.

    One tight loop: it runs for every one of ODS's rows.
    """
    records = _records(_text(path, kind.report))
    name = path.name
    first = next(records, None)
    if first is None:
        return
    at = _positions(first[1], kind, name)
    report.header = at is not None
    rows = records if at else chain([first], records)
    at = at or kind.legacy
    width = max(at.values()) + 1
    code_at, name_at = at["code"], at["name"]
    icb_at, commissioner_at = at.get("icb"), at.get("commissioner")
    status_at, close_at, setting_at = at.get("status"), at.get("close"), at.get("setting")
    org_type = kind.org_type or ""
    dental = org_type == "dental"
    statuses = _AS_WRITTEN
    skipped, unknown = report.skipped, summary.icb_unknown
    icbs = set(locations.values())
    count = active = recoded = resolved = missing = 0
    for line, row in rows:
        if len(row) < width:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            raise DirectoryImportError(
                f"{name}:{line}: {len(row)} columns, {kind.report} needs at least {width}"
            )
        count += 1
        code = row[code_at].strip().upper()
        if dental and len(code) == 7 and (seven := DENTAL_SEVEN.match(code)):
            code = "V" + seven.group(1)
            recoded += 1
        if not CODE.match(code):
            raise DirectoryImportError(
                f"{name}:{line}: organisation code {code!r} is not an ODS code "
                "(3-6 letters or digits)"
            )
        title = row[name_at].strip()
        if "  " in title:
            title = " ".join(title.split())
        if not title:
            raise DirectoryImportError(f"{name}:{line}: name is empty")
        if setting_at is not None:
            setting = row[setting_at].strip()
            if setting != "4" and _key(setting) not in ("gppractice", "ro76"):
                what = SETTINGS.get(setting, setting or "none")
                skipped[f"prescribing setting {setting or '-'} ({what}), not a GP practice"] += 1
                continue
        if status_at is not None:
            value = row[status_at]
            status = statuses.get(value, "?")
            if status == "?":
                status = statuses.get(value.strip().lower(), "?")
                if status == "?":
                    raise DirectoryImportError(
                        f"{name}:{line}: status {value.strip()!r} is not one of "
                        "A, C, D, P (or Active, Inactive)"
                    )
            if status is None:
                skipped[PROPOSED] += 1
                continue
        elif close_at is not None and row[close_at].strip():
            status = "closed"
        else:
            status = "active"
        if status == "active":
            active += 1
        if code in seen:
            file, at_line = seen[code]
            raise DirectoryImportError(
                f"{name}:{line}: organisation code {code} also at {file}:{at_line}"
            )
        seen[code] = (name, line)
        icb = row[icb_at].strip().upper() if icb_at is not None else ""
        if locations:
            if icb in locations:
                icb = locations[icb]
                resolved += 1
            elif not icb and commissioner_at is not None:
                sub_icb = row[commissioner_at].strip().upper()
                if sub_icb in locations:
                    icb = locations[sub_icb]
                    resolved += 1
            if icb and icb not in icbs:
                unknown[icb] += 1
        if not icb:
            missing += 1
        out.append((code, title, org_type, icb, status))
    report.rows += count
    report.recoded += recoded
    report.active += active
    report.closed += count - active - sum(skipped.values())
    summary.icb_resolved += resolved
    summary.icb_missing += missing


def read_files(
    paths: list[Path],
) -> tuple[list[tuple[str, str, str, str, str]], dict[str, str], OdsImportSummary]:
    """Every file read and checked: the organisation rows (``COLUMNS`` order),
    Sub ICB Location -> ICB from the ICB file(s), and the per-file reports (in
    the order given; the ICB files are read first, whatever their place).

    Nothing is written. A code that appears twice (in one file or across
    files) is an error naming both places.
    """
    summary = OdsImportSummary()
    files = []
    for path in map(Path, paths):
        report_name, changes_only = kind_of(path)
        if report_name in NOT_IMPORTED:
            summary.files.append(FileReport(path.name, None, ignored=NOT_IMPORTED[report_name]))
            continue
        kind = KINDS[report_name]
        summary.files.append(FileReport(path.name, kind, changes_only=changes_only))
        files.append((path, kind, summary.files[-1]))
    locations: dict[str, str] = {}
    for path, kind, report in files:
        if kind.org_type is None:
            sub_icbs: list[tuple[str, str, str, str, str]] = []
            _read(path, kind, report, {}, sub_icbs, OdsImportSummary(), {})
            locations.update((row[0], row[3]) for row in sub_icbs)
    organisations: list[tuple[str, str, str, str, str]] = []
    seen: dict[str, tuple[str, int]] = {}
    for path, kind, report in files:
        if kind.org_type is None:
            continue
        _read(path, kind, report, seen, organisations, summary, locations)
        if not report.rows and not report.changes_only:
            raise DirectoryImportError(
                f"{path.name}: no rows; a full {kind.report} file replaces every one of "
                f"its {kind.title}, so an empty one is refused"
            )
    return organisations, locations, summary


def import_ods(db: Database, paths: list[Path], *, actor: str = "operator") -> OdsImportSummary:
    """Upsert the organisations of the ODS files ``paths`` by code, atomically.

    A full file replaces the organisations of its kind (those not in it are
    removed); a ``_changes_`` file adds and updates only. Other kinds, and
    staff, AEL, ICB contacts and role holders, are left as they are.
    """
    organisations, _, summary = read_files(paths)
    table = Organisation.__table__
    replaced = {
        f.kind.org_type for f in summary.files if f.kind and f.kind.org_type and not f.changes_only
    }
    with db.session() as session:
        connection = session.connection()
        before = {
            row[0]: tuple(row)
            for row in connection.execute(select(*(table.c[name] for name in COLUMNS)))
        }
        codes = {row[0] for row in organisations} if before else set()
        for row in organisations if before else ():
            old = before.get(row[0])
            if old is None:
                summary.added += 1
            elif old == row:
                summary.unchanged += 1
            else:
                summary.changed += 1
        if not before:
            summary.added = len(organisations)
        summary.removed.update(
            old[2] for code, old in before.items() if old[2] in replaced and code not in codes
        )
        if replaced:
            connection.execute(delete(table).where(table.c.org_type.in_(sorted(replaced))))
        # Codes imported that stay in the table under another kind: replaced by code.
        stale = iter(sorted(c for c in codes if c in before and before[c][2] not in replaced))
        for batch in iter(lambda: list(islice(stale, 500)), []):
            connection.execute(delete(table).where(table.c.org_code.in_(batch)))
        with _indexes_rebuilt(connection, table):
            _insert(connection, table, COLUMNS, iter(organisations))
        audit.record(
            session,
            "directory organisations imported from ODS",
            actor=actor,
            files={f.name: f.imported for f in summary.files},
            added=summary.added,
            changed=summary.changed,
            removed=sum(summary.removed.values()),
        )
    return summary
