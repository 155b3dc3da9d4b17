"""The organisation directory in the database: atomic CSV import and lookups.

``import_directory`` streams the SPEC §4 CSV files into the tables inside one
transaction, so readers see the old directory until the new one is complete
and a bad file changes nothing. ``SqlDirectory`` answers the questions of
``verification.directory.Directory`` with indexed queries.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, delete, select
from sqlalchemy.orm import Session

from intake import audit
from intake.db import Database, utcnow
from intake.directory.models import (
    ROLE_LIMITS,
    AelEntry,
    DirectoryChange,
    DirectoryConflict,
    IcbContact,
    Organisation,
    RoleHolder,
    Staff,
)
from intake.submissions.models import Request

BATCH = 10_000
ROLE_CODES = frozenset({"GPP_UA", "PL_UA", "OPTO_UA", "MAIN_CONTACT"})
_ODS = re.compile(r"^[A-Z0-9]{3,6}$")


class DirectoryImportError(ValueError):
    """A directory file is malformed; names the file and line."""


@dataclass
class ImportSummary:
    """What an import read and what it changed.

    ``counts``: rows read per file. ``changes``: per kind of record, how
    many were added, removed and changed against the directory before.
    ``kept``: the service's own changes the import still shows the old state
    of (re-applied). ``confirmed``: changes the import now agrees with.
    ``conflicts``: what the import says against the service's changes, for
    a caseworker.
    """

    counts: dict[str, int] = field(default_factory=dict)
    changes: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def _code(value: str) -> str:
    return value.strip().upper()


def _email(value: str) -> str:
    value = value.strip().lower()
    if "@" not in value or " " in value:
        raise ValueError(f"{value!r} is not an email address")
    return value


def _text(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("is empty")
    return value


def _one_of(*allowed: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        value = value.strip().lower()
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
        return value

    return check


def _ods(value: str) -> str:
    value = _code(value)
    if not _ODS.match(value):
        raise ValueError(f"{value!r} is not an ODS code (3-6 letters or digits)")
    return value


def _role(value: str) -> str:
    value = _code(value)
    if value not in ROLE_CODES:
        raise ValueError(f"{value!r} is not one of {', '.join(sorted(ROLE_CODES))}")
    return value


def _lower(value: str) -> str:
    return _text(value).lower()


# file name → (model, required, {column: parser}, fixed values)
FILES: dict[str, tuple[type, bool, dict[str, Callable[[str], str]], dict[str, Any]]] = {
    "organisations.csv": (
        Organisation,
        True,
        {
            "org_code": _ods,
            "name": _text,
            "org_type": _one_of("gp_practice", "optometry", "dental", "pharmacy"),
            "icb_code": _code,
            "status": _one_of("active", "closed"),
        },
        {},
    ),
    "staff.csv": (
        Staff,
        True,
        {
            "org_code": _ods,
            "full_name": _text,
            "email": _email,
            "staff_role": _lower,
            "status": _one_of("active", "inactive"),
        },
        {},
    ),
    "ael.csv": (
        AelEntry,
        False,
        {"org_code": _ods, "email": _email, "status": _one_of("active", "removed")},
        {},
    ),
    "icb_contacts.csv": (
        IcbContact,
        False,
        {
            "icb_code": _code,
            "full_name": _text,
            "email": _email,
            "status": _one_of("active", "inactive"),
        },
        {},
    ),
    "user_admins.csv": (
        RoleHolder,
        False,
        {
            "org_code": _ods,
            "role_code": _role,
            "full_name": _text,
            "email": _email,
            "status": _one_of("active", "deactivated"),
        },
        {"source": "directory"},
    ),
}


def _rows(
    path: Path,
    parsers: dict[str, Callable[[str], str]],
    fixed: tuple[str, ...] = (),
    *,
    unique: str | None = None,
) -> Iterator[tuple[str, ...]]:
    """Parsed rows of one CSV file as tuples in ``parsers`` order, then ``fixed``.

    Streamed; blank lines are skipped; a value of the ``unique`` column seen
    before is an error; errors name the file and line.
    """
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader, [])]
        missing = [column for column in parsers if column not in header]
        if missing:
            raise DirectoryImportError(
                f"{path.name}:1: missing column(s) {', '.join(missing)} "
                f"(header is {','.join(header) or 'empty'})"
            )
        index = {column: i for i, column in enumerate(header)}  # the last of a repeated name
        columns = [(column, index[column], parse) for column, parse in parsers.items()]
        width = max(i for _, i, _ in columns) + 1
        seen: set[str] = set()
        key = list(parsers).index(unique) if unique else -1
        for row in reader:
            if not row:
                continue
            if len(row) < width:
                raise DirectoryImportError(f"{path.name}:{reader.line_num}: too few columns")
            values = []
            for column, i, parse in columns:
                try:
                    values.append(parse(row[i]))
                except ValueError as exc:
                    raise DirectoryImportError(
                        f"{path.name}:{reader.line_num}: {column} {exc}"
                    ) from None
            if key >= 0:
                if values[key] in seen:
                    raise DirectoryImportError(
                        f"{path.name}:{reader.line_num}: {unique} {values[key]} appears twice"
                    )
                seen.add(values[key])
            yield (*values, *fixed)


def _insert(connection: Connection, table: Table, columns: list[str], rows: Iterator) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table``; the row count.

    PostgreSQL (psycopg) streams them with COPY. Elsewhere they go in batches
    through the driver's ``executemany``: rows are already validated, so
    SQLAlchemy's per-row parameter processing would only cost time.
    """
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        count = 0
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join([mark] * len(columns))})"
    count = 0
    for batch in iter(lambda: list(islice(rows, BATCH)), []):
        connection.exec_driver_sql(sql, batch)
        count += len(batch)
    return count


@contextmanager
def _indexes_rebuilt(connection: Connection, table: Table) -> Iterator[None]:
    """On SQLite, drop ``table``'s secondary indexes and build them again afterwards.

    Building an index once from sorted rows is several times faster than
    updating it row by row. SQLite's DDL is transactional, so this is only done
    inside the import's transaction: a failed import rolls the indexes back
    with the rows, and readers (WAL) keep seeing the old tables and indexes
    until the commit. PostgreSQL keeps its indexes: dropping one there would
    lock readers out for the whole import.
    """
    driver = connection.connection.driver_connection
    if connection.dialect.name != "sqlite" or not getattr(driver, "in_transaction", False):
        yield
        return
    indexes = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        (table.name,),
    ).all()
    for name, _ in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        connection.exec_driver_sql(sql)


#: What the change report compares, per kind of record: the table, its
#: key columns and the columns whose change counts.
COMPARED = {
    "organisations": ("organisations", ("org_code",), ("name", "org_type", "icb_code", "status")),
    "staff": ("staff", ("org_code", "email", "staff_role"), ("full_name", "status")),
    "AEL entries": ("ael_entries", ("org_code", "email"), ("status",)),
    "ICB contacts": ("icb_contacts", ("icb_code", "email"), ("full_name", "status")),
    "role holders": (
        "role_holders",
        ("org_code", "role_code", "email"),
        ("full_name", "status"),
    ),
}


def import_directory(db: Database, folder: Path, *, actor: str = "operator") -> ImportSummary:
    """Replace the directory with the CSV files in ``folder``, atomically.

    Rows stream from disk (PostgreSQL: COPY; SQLite: batched inserts with the
    table's indexes rebuilt at the end, in the same transaction), so memory
    does not grow with the files. ``user_admins.csv`` rows replace the
    previously imported holders; the service's own changes stay in force
    (see :func:`_import_holders`). The summary says what changed.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DirectoryImportError(f"{folder}: not a folder")
    summary = ImportSummary()
    with db.session() as session:
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            # Room for the change report's set differences to hash in memory
            # rather than sort on disk; for this transaction only.
            connection.exec_driver_sql("SET LOCAL work_mem = '256MB'")
        _keep_previous(connection)
        for name, (model, required, parsers, fixed) in FILES.items():
            path = folder / name
            table = model.__table__
            if model is not RoleHolder:
                session.execute(delete(table))
            if not path.exists():
                if required:
                    raise DirectoryImportError(f"{name}: missing from {folder}")
                if model is RoleHolder:
                    path = None
                else:
                    summary.counts[name] = 0
                    continue
            if model is RoleHolder:
                summary.counts[name] = _import_holders(session, path, parsers, summary)
                continue
            unique = "org_code" if model is Organisation else None
            rows = _rows(path, parsers, tuple(fixed.values()), unique=unique)
            with _indexes_rebuilt(connection, table):
                summary.counts[name] = _insert(connection, table, [*parsers, *fixed], rows)
        summary.changes = _compare_with_previous(connection)
        audit.record(
            session,
            "directory imported",
            actor=actor,
            counts=summary.counts,
            changes={kind: list(n) for kind, n in summary.changes.items()},
            kept=summary.kept,
            confirmed=summary.confirmed,
            conflicts=summary.conflicts,
        )
    return summary


def _keep_previous(connection: Connection) -> None:
    """Copy the compared columns of the directory as it is into temporary
    tables, for :func:`_compare_with_previous`."""
    for table, keys, values in COMPARED.values():
        columns = ", ".join((*keys, *values))
        where = " WHERE source = 'directory'" if table == "role_holders" else ""
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS previous_{table}")
        connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE previous_{table} AS SELECT {columns} FROM {table}{where}"
        )


def _compare_with_previous(connection: Connection) -> dict[str, tuple[int, int, int]]:
    """(added, removed, changed) per kind of record, by key, against the
    copy :func:`_keep_previous` made; the copies are dropped.

    Two set differences per table (rows now but not before, and before but
    not now), then only their keys: a key in both differs (changed), in the
    first only is new, in the second only is gone.
    """
    changes = {}
    for kind, (table, keys, values) in COMPARED.items():
        where = " WHERE source = 'directory'" if table == "role_holders" else ""
        columns, key = ", ".join((*keys, *values)), ", ".join(keys)
        if not connection.exec_driver_sql(f"SELECT 1 FROM previous_{table} LIMIT 1").first():
            # Nothing before (a first import): every key is new, nothing to sort.
            (count,) = connection.exec_driver_sql(
                f"SELECT COUNT(*) FROM (SELECT DISTINCT {key} FROM {table}{where}) AS n"
            ).one()
            changes[kind] = (count, 0, 0)
            connection.exec_driver_sql(f"DROP TABLE previous_{table}")
            continue
        new = f"SELECT {columns} FROM {table}{where} EXCEPT SELECT {columns} FROM previous_{table}"
        old = f"SELECT {columns} FROM previous_{table} EXCEPT SELECT {columns} FROM {table}{where}"
        newer, older, both = connection.exec_driver_sql(
            f"WITH newer AS MATERIALIZED (SELECT DISTINCT {key} FROM ({new}) AS n), "
            f"older AS MATERIALIZED (SELECT DISTINCT {key} FROM ({old}) AS o) "
            "SELECT (SELECT COUNT(*) FROM newer), (SELECT COUNT(*) FROM older), "
            "(SELECT COUNT(*) FROM (SELECT * FROM newer INTERSECT SELECT * FROM older) AS b)"
        ).one()
        changes[kind] = (newer - both, older - both, both)
        connection.exec_driver_sql(f"DROP TABLE previous_{table}")
    return changes


def _import_holders(
    session: Session,
    path: Path | None,
    parsers: dict[str, Callable[[str], str]],
    summary: ImportSummary,
) -> int:
    """Replace the imported role holders with ``path``'s (none when it is
    ``None``), keeping the service's own changes in force (SPEC §4).

    * An imported holder the service has deactivated, and not yet seen
      deactivated upstream, is written deactivated again ("kept").
    * An imported active holder who is the service's own active grantee is
      the same holder, written once; the grant is confirmed upstream.
    * Every other active holder of a limited role takes the next free place
      at its organisation; one the places do not allow (the service filled
      them) is held back and reported as a conflict, as is the service's
      grantee listed as deactivated.
    * A deactivation is confirmed when the holder is listed deactivated or
      not at all; a grant not listed active is kept.

    Returns the rows read.
    """
    connection = session.connection()
    session.execute(delete(RoleHolder).where(RoleHolder.source == "directory"))
    changes = session.execute(
        select(DirectoryChange, Request.reference)
        .join(Request, Request.id == DirectoryChange.request_id)
        .where(DirectoryChange.confirmed_at.is_(None))
        .order_by(DirectoryChange.id)
    ).all()
    removals = {_key(c): (c, ref) for c, ref in changes if c.kind == "deactivate"}
    grants = {_key(c): (c, ref) for c, ref in changes if c.kind == "grant"}
    own = session.execute(
        select(RoleHolder.org_code, RoleHolder.role_code, RoleHolder.email, RoleHolder.slot).where(
            RoleHolder.source == "intake", RoleHolder.status == "active"
        )
    ).all()
    held_by_service = {(o, r, e) for o, r, e, _ in own}
    taken: dict[tuple[str, str], set[int]] = {}
    for org_code, role_code, _, slot in own:
        if slot is not None:
            taken.setdefault((org_code, role_code), set()).add(slot)
    seated: dict[tuple[str, str], int] = {}
    seen_active: set[tuple[str, str, str]] = set()
    conflicts: list[tuple[tuple[str, str, str, str], str, str]] = []
    read = 0

    def rows() -> Iterator[tuple[Any, ...]]:
        nonlocal read
        if path is None:
            return
        for org_code, role_code, full_name, email, status in _rows(path, parsers):
            read += 1
            key = (org_code, role_code, email)
            slot, deactivated_at, by_request = None, None, None
            if status == "active":
                seen_active.add(key)
                if key in held_by_service:
                    continue  # the service's own grantee: one holder, one row
                if key in removals:
                    change = removals[key][0]
                    status, deactivated_at, by_request = (
                        "deactivated",
                        change.made_at,
                        change.request_id,
                    )
                elif role_code in ROLE_LIMITS:
                    slot = _next_place(taken, seated, org_code, role_code)
                    if slot > ROLE_LIMITS[role_code]:
                        slot, status = None, "held"
                        person = (org_code, role_code, full_name, email)
                        conflicts.append((person, "other_holder", _held_why(role_code)))
            elif key in held_by_service:
                person = (org_code, role_code, full_name, email)
                why = "the import lists this holder as deactivated; the service granted the role"
                conflicts.append((person, "grantee_deactivated", why))
            yield (
                org_code,
                role_code,
                full_name,
                email,
                status,
                "directory",
                slot,
                deactivated_at,
                by_request,
            )

    columns = [
        "org_code",
        "role_code",
        "full_name",
        "email",
        "status",
        "source",
        "slot",
        "deactivated_at",
        "deactivated_by_request_id",
    ]
    _insert(connection, RoleHolder.__table__, columns, rows())
    now = utcnow()
    for key, (change, reference) in {**removals, **grants}.items():
        agrees = (key in seen_active) == (change.kind == "grant")
        line = _change_line(change, reference)
        if agrees:
            change.confirmed_at = now
            summary.confirmed.append(line)
        else:
            summary.kept.append(f"kept: service change not yet upstream: {line}")
    for person, kind, why in conflicts:
        summary.conflicts.append(_raise_conflict(session, person, kind, why))
    return read


def _key(change: DirectoryChange) -> tuple[str, str, str]:
    return (change.org_code, change.role_code, change.email)


def _next_place(
    taken: dict[tuple[str, str], set[int]],
    seated: dict[tuple[str, str], int],
    org_code: str,
    role_code: str,
) -> int:
    """The next place at ``org_code`` for ``role_code`` that the service's
    own holders do not occupy (past the limit when there is none)."""
    group = (org_code, role_code)
    own = taken.get(group, ())
    place = seated.get(group, 0) + 1
    while place in own:
        place += 1
    seated[group] = place
    return place


def _held_why(role_code: str) -> str:
    most = ROLE_LIMITS[role_code]
    if most == 1:
        return "the import names another active holder; the service's change named one already"
    return f"the import names more active holders than the {most} places allow"


def _change_line(change: DirectoryChange, reference: str | None) -> str:
    what = "granted to" if change.kind == "grant" else "deactivated"
    return (
        f"{change.org_code} {change.role_code} {what} {change.full_name} <{change.email}> "
        f"by {reference or f'request {change.request_id}'}"
    )


def _raise_conflict(
    session: Session, person: tuple[str, str, str, str], kind: str, why: str
) -> str:
    """Open a conflict for caseworkers (unless one is open already); the
    report's line."""
    org_code, role_code, full_name, email = person
    open_one = session.scalars(
        select(DirectoryConflict.id).where(
            DirectoryConflict.org_code == org_code,
            DirectoryConflict.role_code == role_code,
            DirectoryConflict.email == email,
            DirectoryConflict.kind == kind,
            DirectoryConflict.resolved_at.is_(None),
        )
    ).first()
    if open_one is None:
        session.add(
            DirectoryConflict(
                org_code=org_code,
                role_code=role_code,
                full_name=full_name,
                email=email,
                kind=kind,
                detail=why,
            )
        )
    return f"conflict: {org_code} {role_code} {full_name} <{email}>: {why}"
