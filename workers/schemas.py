"""Access to the JSON Schemas in `schemas/`: the contract of every record on every topic.

The event types in the schemas of events and consolidated events come from the code table
(`workers/extract/data/event_codes.tsv`): `load_schema` fills them in, so validation follows
the table, and `python -m workers.schemas` writes them into the files, so the published
contract does too (a test fails while a file is behind the table).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from jsonschema import Draft202012Validator, FormatChecker

from workers.extract.codes import event_types

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
RECORD_TYPES = ("article", "duplicate", "event", "deadletter")
# where each schema names the event types
TYPE_ENUMS: dict[str, tuple[str, ...]] = {
    "event": ("properties", "type"),
    "consolidated": ("$defs", "cluster", "properties", "type"),
}


def with_event_types(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with the event types of the code table in place (a copy where it has them)."""
    path = TYPE_ENUMS.get(name)
    if path is None:
        return schema
    schema = json.loads(json.dumps(schema))
    node = schema
    for key in path:
        node = node[key]
    node["enum"] = list(event_types())
    return schema


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema of a record type (`article`, `duplicate`, `event`, `deadletter`, `consolidated`)."""
    return with_event_types(name, orjson.loads((SCHEMA_DIR / f"{name}.schema.json").read_bytes()))


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for a record type that also checks `date-time` formats."""
    return Draft202012Validator(load_schema(name), format_checker=FormatChecker())


def write_event_types() -> list[str]:
    """Write the code table's event types into the schema files; the names of those changed."""
    changed = []
    for name, path in TYPE_ENUMS.items():
        file = SCHEMA_DIR / f"{name}.schema.json"
        text = file.read_text(encoding="utf-8")
        node = json.loads(text)
        for key in path:
            node = node[key]
        old = json.dumps({"enum": node["enum"]})
        new = json.dumps({"enum": list(event_types())})
        if old != new:
            file.write_text(text.replace(old, new, 1), encoding="utf-8")
            changed.append(file.name)
    return changed


if __name__ == "__main__":
    print("\n".join(write_event_types()) or "the schemas name the code table's event types already")
