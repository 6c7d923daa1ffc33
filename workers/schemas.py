"""Access to the JSON Schemas in `schemas/`: the contract of every record on every topic."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
from jsonschema import Draft202012Validator, FormatChecker

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
RECORD_TYPES = ("article", "duplicate", "event", "deadletter")


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    """The schema of a record type (`article`, `duplicate`, `event`, `deadletter`)."""
    return orjson.loads((SCHEMA_DIR / f"{name}.schema.json").read_bytes())


@lru_cache(maxsize=None)
def validator(name: str) -> Draft202012Validator:
    """A validator for a record type that also checks `date-time` formats."""
    return Draft202012Validator(load_schema(name), format_checker=FormatChecker())
