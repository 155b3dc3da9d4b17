"""``intake watch``: the watched folder."""

from __future__ import annotations

import time
from pathlib import Path

import click

from cli import context
from intake.ingest.watch import scan_folder
from tasks.processing import enqueue


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--interval", default=5.0, show_default=True, help="Seconds between looks.")
@click.option("--once", is_flag=True, help="Look twice (to see which files are stable), then stop.")
def watch(folder: Path, interval: float, once: bool) -> None:
    """Take PDF forms put in FOLDER; each goes to FOLDER/processed or FOLDER/refused."""
    app = context.app()
    looks = 0
    with app.app_context():
        while True:
            for result in scan_folder(app.extensions["intake"], folder, enqueue):
                refs = ", ".join(result.references) or result.why
                click.echo(f"{result.outcome:>8}: {result.name}  {refs}")
            looks += 1
            if once and looks == 2:
                break
            time.sleep(2.1 if once else interval)


COMMANDS = (watch,)
