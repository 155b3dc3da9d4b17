"""The soak, small: the tool that runs ``make soak`` still runs and tells
what became of every form."""

from __future__ import annotations

import json

import pytest

from bench import soak


@pytest.mark.pipeline
def test_a_small_soak_decides_every_form_and_counts_no_worker_death(tmp_path, capsys):
    figures_file = tmp_path / "results.json"

    soak.main(["--forms", "20", "--clients", "2", "--results", str(figures_file)])

    figures = json.loads(figures_file.read_text())
    assert figures["soak_accepted"] == 20
    assert figures["soak_answers"] == {"202": 20}
    assert (figures["soak_lost"], figures["soak_undecided"], figures["soak_worker_deaths"]) == (
        0,
        0,
        0,
    )
    assert "every form decided" in capsys.readouterr().out
