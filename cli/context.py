"""The one way a command reaches the service: settings from the environment,
then the service's parts or the whole app (which also has the queue).

Only ``intake db upgrade`` and ``intake serve`` change the database's schema;
every other command checks that it is current and says what to run if not.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import TypeVar

import click
from flask import Flask
from sqlalchemy.exc import OperationalError

from intake.accounts.services import active_user
from intake.config import ConfigError, Settings
from intake.migrate import SchemaNotCurrent
from intake.service import Intake
from web import create_app

T = TypeVar("T")

#: Seconds a worker waits between tries while its database does not answer.
DATABASE_RETRY_S = (1, 2, 5, 10, 30)


def settings() -> Settings:
    """The settings from the environment; a bad one is a usage error."""
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def service(given: Settings | None = None) -> Intake:
    """The database and file store, for commands that need no queue."""
    return _started(lambda: Intake.start(given or settings(), migrate=False))


def app(given: Settings | None = None, *, migrate: bool = False) -> Flask:
    """The whole app (the service and the queue), for commands that enqueue
    work or run the web server or a worker."""
    chosen = given or settings()
    return _started(lambda: create_app({"INTAKE_SETTINGS": chosen, "INTAKE_MIGRATE": migrate}))


def account(service: Intake, name: str, *, admin: bool = False) -> str:
    """The username of the active account ``--as`` names (an admin's, with
    ``admin``); anything else is a usage error, so that no decision or token
    is ever recorded as made by a name that is no one's."""
    user = active_user(service.db, name)
    if user is None:
        raise click.UsageError(f"--as {name!r}: there is no active account of that name")
    if admin and user.role != "admin":
        raise click.UsageError(f"--as {name!r}: only an admin may do this")
    return user.username


def _started(start: Callable[[], T]) -> T:
    try:
        return start()
    except SchemaNotCurrent as exc:
        raise click.ClickException(f"{exc}: run `intake db upgrade` first") from None


def when_the_database_answers(start: Callable[[], T]) -> T:
    """``start()``, tried again (with back-off, for as long as it takes) while
    the database does not answer: a worker started during an outage waits
    for it rather than exit."""
    for attempt in itertools.count():
        try:
            return start()
        except OperationalError as exc:
            delay = DATABASE_RETRY_S[min(attempt, len(DATABASE_RETRY_S) - 1)]
            reason = str(exc.orig or exc).strip().splitlines()[0]
            click.echo(f"the database does not answer ({reason}); again in {delay} s", err=True)
            time.sleep(delay)
    raise AssertionError("unreachable")
