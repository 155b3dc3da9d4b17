"""The service's parts for one process: settings, database and file store."""

from __future__ import annotations

from dataclasses import dataclass

from intake.config import Settings
from intake.db import Database
from intake.migrate import require_current, upgrade
from intake.reading import ReadLimits
from intake.sandbox import SandboxLimits
from intake.storage import FileStore


@dataclass
class Intake:
    settings: Settings
    db: Database
    store: FileStore

    @classmethod
    def start(cls, settings: Settings, *, migrate: bool = True) -> Intake:
        """Open the database and the file store. With ``migrate`` the schema
        is brought up to date; without, it must already be (``SchemaNotCurrent``)."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(settings.database_url)
        if migrate:
            upgrade(db.engine)
        else:
            require_current(db.engine)
        return cls(settings, db, FileStore(settings.files_dir))

    @property
    def sandbox(self) -> SandboxLimits:
        return SandboxLimits(
            memory_mb=self.settings.reader_memory_mb, wall_s=self.settings.reader_timeout_s
        )

    @property
    def limits(self) -> ReadLimits:
        return ReadLimits(
            max_bytes=self.settings.max_upload_bytes, max_pages=self.settings.max_pages
        )
