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
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, delete

from intake import audit
from intake.db import Database
from intake.directory.models import AelEntry, IcbContact, Organisation, RoleHolder, Staff

BATCH = 10_000
ROLE_CODES = frozenset({"GPP_UA", "PL_UA", "OPTO_UA", "MAIN_CONTACT"})
_ODS = re.compile(r"^[A-Z0-9]{3,6}$")


class DirectoryImportError(ValueError):
    """A directory file is malformed; names the file and line."""


@dataclass
class ImportSummary:
    counts: dict[str, int] = field(default_factory=dict)


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


def import_directory(db: Database, folder: Path, *, actor: str = "operator") -> ImportSummary:
    """Replace the directory with the CSV files in ``folder``, atomically.

    Rows stream from disk (PostgreSQL: COPY; SQLite: batched inserts with the
    table's indexes rebuilt at the end, in the same transaction), so memory
    does not grow with the files. The service's own role grants are kept;
    ``user_admins.csv`` rows replace the previously imported ones.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DirectoryImportError(f"{folder}: not a folder")
    summary = ImportSummary()
    with db.session() as session:
        connection = session.connection()
        for name, (model, required, parsers, fixed) in FILES.items():
            path = folder / name
            table = model.__table__
            if model is RoleHolder:
                session.execute(delete(RoleHolder).where(RoleHolder.source == "directory"))
            else:
                session.execute(delete(table))
            if not path.exists():
                if required:
                    raise DirectoryImportError(f"{name}: missing from {folder}")
                summary.counts[name] = 0
                continue
            unique = "org_code" if model is Organisation else None
            rows = _rows(path, parsers, tuple(fixed.values()), unique=unique)
            columns = [*parsers, *fixed]
            # role_holders keeps the service's own grants: not worth rebuilding.
            rebuild = nullcontext() if model is RoleHolder else _indexes_rebuilt(connection, table)
            with rebuild:
                summary.counts[name] = _insert(connection, table, columns, rows)
        audit.record(session, "directory imported", actor=actor, counts=summary.counts)
    return summary
