"""What the sections of one benchmark run share: a scratch folder, generated
directories (cached under ``bench/data/``) and imported databases."""

from __future__ import annotations

import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from bench import postgres
from bench.make_directory import DirectoryInfo, write_directory
from intake.db import Database
from intake.directory.services import import_directory
from intake.migrate import upgrade

DATA = Path(__file__).with_name("data")
#: Part of the cache key: bump it when the generator's output changes.
GENERATOR_VERSION = 1
SEED = 1


@dataclass(frozen=True)
class Size:
    orgs: int
    staff: int

    @property
    def key(self) -> str:
        return f"{self.orgs}o-{self.staff}s-seed{SEED}-v{GENERATOR_VERSION}"


SMALL = Size(100, 1_000)
LARGE = Size(100_000, 1_000_000)


def cached_directory(size: Size) -> tuple[Path, DirectoryInfo]:
    """The generated directory of ``size``: made once, then read from ``bench/data/``.

    ``info.json`` is written last, so a folder without it is incomplete and
    made again.
    """
    folder = DATA / f"directory-{size.key}"
    marker = folder / "info.json"
    if marker.exists():
        return folder, DirectoryInfo.from_json(marker.read_text())
    print(f"  generating {size.orgs:,} organisations / {size.staff:,} staff into {folder}")
    started = time.perf_counter()
    info = write_directory(folder, orgs=size.orgs, staff=size.staff, seed=SEED)
    marker.write_text(info.to_json())
    print(f"  generated {info.total_rows:,} rows in {time.perf_counter() - started:.1f} s")
    return folder, info


@dataclass
class Run:
    """One ``python -m bench`` invocation; :meth:`close` drops what it made."""

    stack: ExitStack = field(default_factory=ExitStack)
    postgres_url: str = field(default_factory=postgres.server_url)
    postgres_problem: str | None = None
    #: (backend, size key) -> URL of a database holding that directory.
    imported: dict[tuple[str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.scratch = Path(self.stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        self.postgres_problem = postgres.available(self.postgres_url)
        if self.postgres_problem:
            print(f"  PostgreSQL skipped: {self.postgres_url}: {self.postgres_problem}")

    @property
    def has_postgres(self) -> bool:
        return self.postgres_problem is None

    def new_database(self, backend: str, label: str) -> str:
        """The URL of a new, empty database (dropped or deleted at :meth:`close`)."""
        if backend == "postgres":
            return self.stack.enter_context(postgres.throwaway_database(self.postgres_url))
        return f"sqlite:///{self.scratch / f'{label}.sqlite3'}"

    def directory_database(self, backend: str, size: Size) -> str:
        """A database with the directory of ``size`` imported (reused within the run)."""
        key = (backend, size.key)
        if key not in self.imported:
            folder, _ = cached_directory(size)
            url = self.new_database(backend, f"verify-{size.key}")
            db = Database(url)
            try:
                upgrade(db.engine)
                import_directory(db, folder, actor="bench")
            finally:
                db.dispose()
            self.imported[key] = url
        return self.imported[key]

    def close(self) -> None:
        self.stack.close()
