"""Every table, seen from one place (Alembic's autogenerate reads this).

Each table lives beside the wing that writes it; import a table from its
wing's ``models``. This face only makes sure all of them are registered on
``Base.metadata`` together.
"""

from intake.accounts.models import ApiToken, User
from intake.audit import AuditEvent
from intake.db import Base
from intake.directory.models import (
    AelEntry,
    DirectoryChange,
    DirectoryConflict,
    IcbContact,
    LeaverFlag,
    Organisation,
    RoleHolder,
    Staff,
)
from intake.ingest.models import InboundMessage, WatchedFile
from intake.mail.models import OutboxMessage
from intake.submissions.models import Request, StatusLink, Submission
from intake.workers import WorkerHeartbeat

__all__ = [
    "AelEntry",
    "ApiToken",
    "AuditEvent",
    "Base",
    "DirectoryChange",
    "DirectoryConflict",
    "IcbContact",
    "InboundMessage",
    "LeaverFlag",
    "Organisation",
    "OutboxMessage",
    "Request",
    "RoleHolder",
    "Staff",
    "StatusLink",
    "Submission",
    "User",
    "WatchedFile",
    "WorkerHeartbeat",
]
