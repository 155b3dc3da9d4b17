"""The ``intake`` command: above the web app and the queue, it starts them
and drives the domain. Each module adds one group of commands."""

from __future__ import annotations

import click


@click.group(name="intake")
def main() -> None:
    """Reads PCSE Online User Administrator authorisation forms and decides them."""


from cli import (  # noqa: E402
    accounts,
    audit,
    database,
    directory,
    mail,
    processes,
    review,
    submit,
    watch,
)

for _module in (database, directory, accounts, review, submit, processes, mail, watch, audit):
    for _command in _module.COMMANDS:
        main.add_command(_command)
