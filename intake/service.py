"""The service's parts for one process: settings, database and file store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from intake.config import Settings
from intake.db import Database
from intake.migrate import require_current, upgrade
from intake.reading import ReadLimits
from intake.reading.sandbox import SandboxLimits
from intake.storage import FileStore
from intake.submissions.services import Accepted, accept


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

    def accept(
        self,
        data: bytes,
        *,
        filename: str,
        channel: str,
        received_on: dt.date | None = None,
        sender: str | None = None,
        after_commit: Callable[[int], None] | None = None,
        api_token_id: int | None = None,
    ) -> Accepted:
        """Take a file in at a door, into this service's file store and
        database, within its size limit (see
        :func:`intake.submissions.services.accept`)."""
        return accept(
            self.db,
            self.store,
            data,
            filename=filename,
            channel=channel,
            received_on=received_on,
            sender=sender,
            max_bytes=self.settings.max_upload_bytes,
            after_commit=after_commit,
            api_token_id=api_token_id,
        )
