"""The one reader of the tab-separated data tables under `workers/extract/data/`."""

from __future__ import annotations

from pathlib import Path


def read_tsv(path: Path, columns: int | None = None) -> list[list[str]]:
    """The rows of a table: blank lines and lines starting with "#" skipped, fields split on
    tabs with no quoting (a field may hold a quote). With `columns`, a row with another number
    of fields raises ValueError naming the file and line."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        row = line.split("\t")
        if columns is not None and len(row) != columns:
            raise ValueError(f"{path.name}:{number}: {len(row)} fields, expected {columns}")
        rows.append(row)
    return rows
