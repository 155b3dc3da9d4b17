"""Where the committed sample corpus lives, and its ground truth."""

from __future__ import annotations

import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_forms"


def load_expected() -> list[dict]:
    """The committed ``expected.json``: one entry per sample file."""
    return json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
