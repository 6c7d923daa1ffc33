"""Event types come from one table (`workers/extract/data/event_codes.tsv`): a new type is a
row there plus its triggers, and topics, filters, metrics, schemas and the live view follow."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from workers import schemas
from workers.extract import codes
from workers.extract.triggers import DATA, Lexicon
from workers.publish.filters import EventFilter
from workers.publish.topics import Topics
from workers.stream.metrics import EVENTS, worker_counters
from workers.webpage import WEB_ROOT, live_page_html

NEW_CODES = "sanction\tsanction\t\t163\tSANCTION\t\timpose embargo, boycott or sanctions\n"
NEW_TRIGGER = "trigger\tsanction\tV\tsanction\tsanction\t0.8\t\t\n"


def _clear_caches() -> None:
    for cached in (codes.code_table, codes.event_types, schemas.load_schema, schemas.validator):
        cached.cache_clear()


@pytest.fixture
def data_with_a_new_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with (data / "event_codes.tsv").open("a", encoding="utf-8") as fh:
        fh.write(NEW_CODES)
    with (data / "trigger_lexicon.tsv").open("a", encoding="utf-8") as fh:
        fh.write(NEW_TRIGGER)
    monkeypatch.setattr(codes, "DATA", data / "event_codes.tsv")
    _clear_caches()
    yield data
    monkeypatch.undo()
    _clear_caches()


def test_a_new_type_is_a_row_and_its_triggers(data_with_a_new_type: Path) -> None:
    from workers.extract.pipeline import Extractor
    from workers.records import Article

    extractor = Extractor(lexicon=Lexicon.from_files(data_with_a_new_type))
    article = Article(
        id="a1",
        source="wire",
        url=None,
        published_at="2024-03-05T10:00:00Z",
        language="en",
        title="Banks sanctioned",
        body="The European Union sanctioned three Russian banks in Brussels on Monday.",
    )
    events = [e for e in extractor.extract(article) if e.type == "sanction"]
    assert events, "the new trigger gives an event of the new type"
    event = events[0].to_dict()
    assert event["codes"]["cameo"] == "163" and event["codes"]["plover"] == "SANCTION"
    assert not [e.message for e in schemas.validator("event").iter_errors(event)]
    assert "events.sanction" in Topics().all()
    assert EventFilter.from_args(type="sanction", subtype=None, country=None, near=None).matches(event)
    assert "sanction" in worker_counters()[EVENTS][2]
    page = live_page_html((WEB_ROOT / "index.html").read_text(encoding="utf-8")).decode()
    assert '<option value="sanction">sanction</option>' in page


def test_the_schema_files_name_the_tables_types() -> None:
    """Run `python -m workers.schemas` after adding a type to the table."""
    for name, path in schemas.TYPE_ENUMS.items():
        node = json.loads((schemas.SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
        for key in path:
            node = node[key]
        assert tuple(node["enum"]) == codes.event_types(), name


def test_the_lexicon_refuses_a_type_or_subtype_the_table_lacks(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with (data / "trigger_lexicon.tsv").open("a", encoding="utf-8") as fh:
        fh.write("trigger\triot\tV\tprotest\tuprising\t0.8\t\t\n")
    with pytest.raises(ValueError, match="uprising"):
        Lexicon.from_files(data)


def test_the_frame_builder_refuses_a_requirement_no_function_checks(tmp_path: Path) -> None:
    from workers.extract.frames import FrameBuilder

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with (data / "trigger_lexicon.tsv").open("a", encoding="utf-8") as fh:
        fh.write("trigger\triot\tV\tprotest\triot\t0.8\t\tmasked_participants\n")
    with pytest.raises(ValueError, match="masked_participants"):
        FrameBuilder(Lexicon.from_files(data))
