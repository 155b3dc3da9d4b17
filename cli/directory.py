"""``intake directory``: the organisation directory."""

from __future__ import annotations

from pathlib import Path

import click

from cli import context
from intake.directory.leavers import open_flags, sweep_leavers
from intake.directory.services import DirectoryImportError, import_directory
from intake.service import Intake


@click.group()
def directory() -> None:
    """The organisation directory."""


@directory.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def directory_import(folder: Path) -> None:
    """Replace the directory with the CSV files in FOLDER (atomically)."""
    intake = context.service()
    try:
        summary = import_directory(intake.db, folder)
    except DirectoryImportError as exc:
        raise click.ClickException(f"nothing imported: {exc}") from None
    for name, count in summary.counts.items():
        click.echo(f"{name:>18}: {count:,} rows")
    click.echo("changed since the last import:")
    for kind, (added, removed, changed) in summary.changes.items():
        click.echo(f"{kind:>18}: {added:,} added, {removed:,} removed, {changed:,} changed")
    for line in [*summary.kept, *summary.conflicts]:
        click.echo(f"  {line}")
    if summary.confirmed:
        click.echo(f"  {len(summary.confirmed):,} of the service's changes now confirmed upstream")
    _report_sweep(intake)


@directory.command("sweep")
def directory_sweep() -> None:
    """Flag roles granted here whose holder is no longer active staff."""
    _report_sweep(context.service(), list_open=True)


def _report_sweep(intake: Intake, list_open: bool = False) -> None:
    result = sweep_leavers(intake.db)
    click.echo(f"leaver sweep: {len(result.flagged)} newly flagged, {len(result.cleared)} cleared")
    if list_open:
        for flag in open_flags(intake.db):
            click.echo(
                f"  {flag.org_code} {flag.role_code:<13} {flag.email}  "
                f"({flag.reason}, since {flag.flagged_at:%Y-%m-%d})"
            )


COMMANDS = (directory,)
