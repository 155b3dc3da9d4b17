"""``intake directory``: the organisation directory."""

from __future__ import annotations

from pathlib import Path

import click

from cli import context
from intake.directory.leavers import open_flags, sweep_leavers
from intake.directory.ods import import_ods
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


@directory.command("import-ods")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def directory_import_ods(files: tuple[Path, ...]) -> None:
    """Update the organisations from ODS's published files (epraccur, egdpprac,
    eopthq, eccg; .csv or .zip), atomically. A full file replaces the
    organisations of its kind; staff and the rest are untouched."""
    try:
        summary = import_ods(context.service().db, list(files))
    except DirectoryImportError as exc:
        raise click.ClickException(f"nothing imported: {exc}") from None
    for f in summary.files:
        if f.kind is None:
            click.echo(f"{f.name}: not imported: {f.ignored}")
            continue
        shape = "header row" if f.header else "no header"
        scope = ", changes only" if f.changes_only else ""
        click.echo(f"{f.name}: {f.kind.title} ({f.kind.report}, {shape}{scope}): {f.rows:,} rows")
        if f.kind.org_type is None:
            click.echo(f"  {f.imported:,} Sub ICB Locations, used to resolve and check ICB codes")
            continue
        click.echo(f"  imported {f.imported:,} ({f.active:,} active, {f.closed:,} closed)")
        if f.recoded:
            click.echo(f"  {f.recoded:,} codes V0nnnnn written as ODS publishes them (Vnnnnn)")
        for why, count in f.skipped.most_common():
            click.echo(f"  skipped {count:,}: {why}")
    removed = ", ".join(f"{n:,} {kind}" for kind, n in sorted(summary.removed.items()))
    click.echo(
        f"organisations: {summary.added:,} added, {summary.changed:,} changed, "
        f"{summary.unchanged:,} unchanged, removed {removed or 'none'}"
    )
    if summary.icb_resolved:
        click.echo(f"ICB codes: {summary.icb_resolved:,} resolved from a Sub ICB Location")
    if summary.icb_unknown:
        count, codes = sum(summary.icb_unknown.values()), ", ".join(sorted(summary.icb_unknown))
        click.echo(f"warning: {count:,} with an ICB not in the ICB file: {codes}")
    if summary.icb_missing:
        click.echo(f"note: {summary.icb_missing:,} organisations have no ICB code in ODS")


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
