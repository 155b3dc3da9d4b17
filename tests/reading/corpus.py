"""Where the committed sample corpus lives, and its ground truth."""

from __future__ import annotations

import json
import pathlib

from verification.normalise import parse_date

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_forms"


def load_expected() -> list[dict]:
    """The committed ``expected.json``: one entry per sample file."""
    return json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))


def load_producers() -> list[dict]:
    """The producer corpus manifest: one entry per file, with its producer."""
    return json.loads((SAMPLES / "producers" / "expected.json").read_text(encoding="utf-8"))


def comparable(key: str, value: object) -> object:
    """Trivial normalisation only: trim, collapse spaces, lower-case emails;
    a date is the day it names (spaces around "/" change nothing)."""
    if not isinstance(value, str):
        return value
    text = " ".join(value.split())
    if key == "date_signed":
        day = parse_date(text)
        return day.isoformat() if day else text
    return text.lower() if key.endswith("email") else text
