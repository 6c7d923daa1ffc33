"""/metrics shows every counter of the worker from the start, at zero, in the Prometheus text format."""

from __future__ import annotations

from workers.extract.codes import event_types
from workers.extract.pool import PROCESSING_ERROR, PROCESSING_TIMEOUT
from workers.schemas import load_schema
from workers.stream import agents, consolidate
from workers.stream.metrics import ARTICLES, CONSOLIDATED, EVENTS, REPLACED, Metrics, worker_counters


def samples(text: str) -> dict[str, int]:
    return {
        line.rsplit(" ", 1)[0]: int(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }


def test_every_counter_is_there_at_zero_before_the_first_record():
    shown = samples(Metrics().render())
    codes = load_schema("deadletter")["properties"]["error"]["enum"]
    expected = {f'{ARTICLES}{{outcome="dlq:{code}"}}' for code in codes}
    expected |= {f'{ARTICLES}{{outcome="{kind}"}}' for kind in ("unique", "update", "replay", "duplicate")}
    expected |= {f'{EVENTS}{{type="{t}"}}' for t in event_types()}
    expected |= {f'{CONSOLIDATED}{{outcome="{o}"}}' for o in ("new", "update", "again", "late", "invalid")}
    expected |= {REPLACED}
    assert set(shown) == expected
    assert set(shown.values()) == {0}


def test_counts_add_up_and_each_counter_has_one_help_and_type_line():
    metrics = Metrics()
    metrics.inc(ARTICLES, "outcome", "dlq:invalid_date")
    metrics.inc(ARTICLES, "outcome", "dlq:invalid_date")
    metrics.inc(EVENTS, "type", "attack", by=3)
    text = metrics.render()
    shown = samples(text)
    assert shown[f'{ARTICLES}{{outcome="dlq:invalid_date"}}'] == 2
    assert shown[f'{EVENTS}{{type="attack"}}'] == 3
    assert shown[f'{EVENTS}{{type="protest"}}'] == 0
    for name in (ARTICLES, EVENTS, CONSOLIDATED):
        assert text.count(f"# TYPE {name} counter") == 1 and text.count(f"# HELP {name} ") == 1


def test_the_counters_and_codes_the_agents_use_are_declared():
    """A counter or a dead-letter code the agents use but nobody declared would be missing from
    /metrics until it first happens (and the dead letter would break its schema)."""
    declared = worker_counters()
    for name in (agents.OUTCOMES, agents.EVENTS, agents.REPLACED, consolidate.CONSOLIDATED):
        assert name in declared, name
    codes = load_schema("deadletter")["properties"]["error"]["enum"]
    assert {PROCESSING_ERROR, PROCESSING_TIMEOUT, agents.OUTPUT_REFUSED} <= set(codes)
