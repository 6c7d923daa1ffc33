"""The live view in a real browser: Debian's headless Chromium, driven by Playwright.

A worker (`stack`) serves /live; events go straight onto the stack's `events` topic (no
extraction needed), and the page must show them on the map and in the list, grow a marker
when a second article reports the same happening (its cluster on `events.consolidated`),
show the trigger inside the evidence, hide them under a filter that a reload keeps, and say
when the stream drops and when it is back. With more than 1,000 events, the page holds the
newest 1,000 (`/events` caps its answer there and says so), and a stream client too slow to
keep up is told how many events it missed. `ClusterIndex`, behind `GET /clusters`, is also
tested on its own.

Skips only outside CI when Chromium is missing; with CI=true a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from workers.webpage import ClusterIndex

pytestmark = pytest.mark.integration

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 30_000


def chromium_path() -> str:
    """Debian's Chromium; skips the test outside CI when it is not installed, fails in CI."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed, and CI must run the browser test (.ci/run installs it)")
    pytest.skip("chromium is not installed (apt-get install chromium); the live view test needs it")


def make_event(
    event_type: str, subtype: str, place: tuple[str, str, float, float], trigger: str, sentence: str, source: str
) -> dict[str, Any]:
    """A schema-valid event of a fresh article, dated today, with `trigger` inside `sentence`."""
    name, country, lat, lon = place
    article = f"live-{uuid.uuid4().hex[:10]}"
    now = datetime.now(UTC)
    lead = "WIRE — "  # the sentence does not start the body, so evidence offsets are not zero
    start = len(lead) + sentence.index(trigger)
    return {
        "event_id": uuid.uuid4().hex[:24],
        "article_id": article,
        "source": source,
        "url": f"https://{source}.example/{article}",
        "published_at": now.isoformat(),
        "type": event_type,
        "subtype": subtype,
        "codes": {"cameo": "14" if event_type == "protest" else "18", "plover": None, "plover_mode": None},
        "trigger": {"text": trigger, "start": start, "end": start + len(trigger)},
        "evidence": {"text": sentence, "start": len(lead), "end": len(lead) + len(sentence)},
        "actors": [{"text": "teachers", "role": "source", "kind": "group", "country_code": None}],
        "location": {
            "text": name,
            "name": name,
            "country_code": country,
            "admin1": None,
            "lat": lat,
            "lon": lon,
            "geonames_id": None,
            "precision": "city",
        },
        "date": {"value": now.date().isoformat(), "precision": "day", "text": "today", "source": "text"},
        "confidence": 0.9,
        "pipeline_version": "test",
        "extracted_at": now.isoformat(),
    }


def cluster(cluster_id: str, version: int, event_ids: list[str]) -> dict[str, Any]:
    return {
        "cluster_id": cluster_id,
        "version": version,
        "num_events": len(event_ids),
        "num_articles": len(event_ids),
        "num_sources": 1,
        "event_ids": event_ids,
        "sources": ["x"],
    }


def test_cluster_index_sends_changes_after_a_number_once_per_cluster() -> None:
    index, t = ClusterIndex(), datetime(2026, 11, 1, tzinfo=UTC)
    index.add(cluster("c-a", 1, ["e1"]), t)
    index.add(cluster("c-b", 1, ["e2"]), t)
    index.add(cluster("c-a", 2, ["e1", "e3"]), t)
    assert [c["event_ids"] for c in index.changed_after(0)] == [["e1", "e3"]]  # one-event clusters left out
    seen = index.seq
    index.add(cluster("c-a", 2, ["e1", "e3"]), t)  # a re-delivery
    index.add(cluster("c-a", 1, ["e1"]), t)  # an older version read late
    assert index.changed_after(seen) == [] and index.seq == seen
    index.add(cluster("c-b", 2, ["e2", "e4"]), t)
    assert [(c["cluster_id"], c["version"]) for c in index.changed_after(seen)] == [("c-b", 2)]
    assert set(index.changed_after(seen)[0]) == {
        "cluster_id",
        "version",
        "num_events",
        "num_articles",
        "num_sources",
        "event_ids",
    }


def test_cluster_index_forgets_by_age_and_count() -> None:
    index, t = ClusterIndex(max_age=timedelta(hours=1), max_count=2), datetime(2026, 11, 1, tzinfo=UTC)
    index.add(cluster("c-old", 2, ["e1", "e2"]), t)
    index.add(cluster("c-new", 2, ["e3", "e4"]), t + timedelta(hours=2))
    assert [c["cluster_id"] for c in index.changed_after(0)] == ["c-new"]
    for i in range(3):
        index.add(cluster(f"c-{i}", 2, [f"f{i}", f"g{i}"]), t + timedelta(hours=2))
    assert len(index) == 2


NAIROBI = ("Nairobi", "KE", -1.2864, 36.8172)
LIMA = ("Lima", "PE", -12.0432, -77.0282)


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[Any]:
    """A page of a fresh headless Chromium profile; a screenshot is kept in tmp_path on failure."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900},
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            yield page
            assert not errors, f"errors in the page: {errors}"
        except BaseException:
            page.screenshot(path=str(tmp_path / "live-view-failure.png"))
            raise
        finally:
            context.close()


def test_events_reach_map_and_list_and_filters_hide_them(stack, browser_page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = browser_page
    worker = stack.worker().start()
    base = f"http://127.0.0.1:{worker.env['EVENTWIRE_WEB_PORT']}/live"
    marker = lambda e: page.locator(f'#map circle.marker[data-event-id="{e["event_id"]}"]')  # noqa: E731
    item = lambda e: page.locator(f'#events li[data-event-id="{e["event_id"]}"]')  # noqa: E731

    page.goto(base)
    expect(page.locator("#stream-state")).to_have_class("state live", timeout=WAIT_MS)
    assert page.locator("#map path.country").count() > 150, "the country boundaries were not drawn"

    # one report: a marker of the protest colour and a list entry, pushed by the stream
    first = make_event(
        "protest",
        "demonstration",
        NAIROBI,
        "marched",
        "Thousands of teachers marched through central Nairobi today over unpaid wages.",
        "wire-one",
    )
    # where the extract agent sends an event: the feed reads events, consolidation events.consolidate
    for topic in (stack.topics.events, stack.topics.consolidate_input):
        stack.publish([orjson.dumps(first)], topic=topic)
    expect(marker(first)).to_have_attribute("data-reports", "1", timeout=WAIT_MS)
    expect(item(first)).to_contain_text("Nairobi, Kenya")
    assert marker(first).get_attribute("fill") == "#2e9e6a"

    # a second article on the same happening: both markers count two reports
    second = make_event(
        "protest",
        "demonstration",
        NAIROBI,
        "protested",
        "Teachers protested in Nairobi today, demanding wages owed since spring.",
        "wire-two",
    )
    for topic in (stack.topics.events, stack.topics.consolidate_input):
        stack.publish([orjson.dumps(second)], topic=topic)
    expect(marker(first)).to_have_attribute("data-reports", "2", timeout=WAIT_MS)
    expect(marker(second)).to_have_attribute("data-reports", "2")
    assert float(marker(first).get_attribute("r")) > 5

    # the details: place and date with precision, actors, the trigger marked in the evidence, the link
    marker(first).click()
    details = page.locator("#details")
    expect(details).to_be_visible()
    expect(details.locator("mark")).to_have_text("marched")
    expect(details.locator("blockquote")).to_have_text(first["evidence"]["text"])
    expect(details).to_contain_text("Nairobi (Kenya)")
    expect(details).to_contain_text(first["date"]["value"])
    expect(details.locator(".precision")).to_have_text(["city", "day"])
    expect(details).to_contain_text("teachers — source, group")
    expect(details).to_contain_text("2 articles from 2 sources")
    expect(details.locator("a")).to_have_attribute("href", first["url"])

    # a type filter hides both, is written to the URL, and survives a reload
    page.select_option("#filters select[name=type]", "attack")
    expect(marker(first)).to_have_count(0)
    expect(item(first)).to_have_count(0)
    assert "type=attack" in page.url
    page.reload()
    expect(page.locator("#filters select[name=type]")).to_have_value("attack")
    expect(page.locator("#stream-state")).to_have_class("state live", timeout=WAIT_MS)
    attack = make_event(
        "attack",
        "bombing",
        LIMA,
        "exploded",
        "A bomb exploded outside a police station in Lima today, officials said.",
        "wire-one",
    )
    stack.publish([orjson.dumps(attack)], topic=stack.topics.events)
    expect(marker(attack)).to_have_count(1, timeout=WAIT_MS)
    expect(marker(first)).to_have_count(0)

    # a country filter from the URL: Kenya's protests back, Peru's attack gone
    page.goto(f"{base}?country=KE")
    expect(page.locator("#filters select[name=country]")).to_have_value("KE")
    expect(marker(first)).to_have_count(1, timeout=WAIT_MS)
    expect(item(second)).to_have_count(1)
    expect(marker(attack)).to_have_count(0)

    # the worker stops: the page says so; it comes back: the page reconnects by itself
    worker.stop()
    expect(page.locator("#stream-state")).to_have_class("state reconnecting", timeout=WAIT_MS)
    expect(page.locator("#notice")).to_contain_text("dropped")
    worker.start()
    expect(page.locator("#stream-state")).to_have_class("state live", timeout=60_000)
    expect(page.locator("#notice")).to_be_hidden()
    expect(marker(first)).to_have_count(1)


def numbered_events(first: int, count: int, start: datetime, evidence_chars: int = 0) -> list[dict[str, Any]]:
    """Events `first`… of one article each, spread over the map, extracted one second apart from `start`."""
    events = []
    for i in range(first, first + count):
        place = (f"Town {i}", "KE", -40.0 + i % 80, -170.0 + (i * 7) % 340)
        sentence = f"Protesters marched in Town {i} today." + " More." * (evidence_chars // 6)
        event = make_event("protest", "demonstration", place, "marched", sentence, "wire-bulk")
        event["event_id"] = f"bulk-{i:05d}"
        event["extracted_at"] = (start + timedelta(seconds=i)).isoformat()
        events.append(event)
    return events


def get_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return orjson.loads(response.read())


def wait_until(check: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.5)


def test_the_page_keeps_the_newest_thousand_events(stack, browser_page) -> None:  # type: ignore[no-untyped-def]
    """1,250 events: /events gives the page its 1,000-event cap and says it cut the answer; the page
    shows 1,000, and live events push out the oldest, not the newest."""
    from playwright.sync_api import expect

    page = browser_page
    worker = stack.worker().start()
    base = f"http://127.0.0.1:{worker.env['EVENTWIRE_WEB_PORT']}"
    start = datetime.now(UTC) - timedelta(hours=1)
    stack.publish([orjson.dumps(e) for e in numbered_events(0, 1200, start)], topic=stack.topics.events, partition=0)
    wait_until(lambda: get_json(f"{base}/stats")["last_hour"]["total"] >= 1200)
    capped = get_json(f"{base}/events?limit=1000")
    assert (capped["count"], capped["truncated"]) == (1000, True)
    assert capped["events"][0]["event_id"] == "bulk-01199" and capped["events"][-1]["event_id"] == "bulk-00200"

    marker = lambda i: page.locator(f'#map circle.marker[data-event-id="bulk-{i:05d}"]')  # noqa: E731
    page.goto(f"{base}/live")
    expect(page.locator("#stream-state")).to_have_class("state live", timeout=WAIT_MS)
    expect(page.locator("#total")).to_have_text("1000", timeout=WAIT_MS)
    expect(page.locator("#map circle.marker")).to_have_count(1000)
    expect(marker(1199)).to_have_count(1)
    expect(marker(200)).to_have_count(1)
    expect(marker(199)).to_have_count(0)

    # 50 more arrive on the stream: the page stays at 1,000 and drops the 50 oldest it holds
    stack.publish([orjson.dumps(e) for e in numbered_events(1200, 50, start)], topic=stack.topics.events, partition=0)
    expect(marker(1249)).to_have_count(1, timeout=WAIT_MS)
    expect(page.locator("#total")).to_have_text("1000")
    expect(marker(249)).to_have_count(0)
    expect(marker(250)).to_have_count(1)
    expect(page.locator("#events li").first).to_have_attribute("data-event-id", "bulk-01249")


def read_sse(sock: socket.socket, idle: float = 3.0) -> list[tuple[str, dict[str, Any]]]:
    """(event name, data) of every Server-Sent Event on `sock` until it has been quiet for `idle` seconds."""
    sock.settimeout(idle)
    raw = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        if not chunk:
            break
        raw += chunk
    body = raw.split(b"\r\n\r\n", 1)[1]
    messages = []
    for block in body.split(b"\n\n"):
        fields = dict(
            line.split(b": ", 1) for line in block.split(b"\n") if b": " in line and not line.startswith(b":")
        )
        if b"event" in fields:
            messages.append((fields[b"event"].decode(), orjson.loads(fields[b"data"])))
    return messages


def test_a_slow_stream_client_is_told_how_many_events_it_missed(stack) -> None:  # type: ignore[no-untyped-def]
    """A client that does not read: the worker keeps at most 999 events for it (the SSE queue), drops
    the rest rather than holding them, and then says how many it dropped; nothing is counted twice."""
    worker = stack.worker().start()
    port = int(worker.env["EVENTWIRE_WEB_PORT"])
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window: the server's writes block soon
    sock.connect(("127.0.0.1", port))
    sock.sendall(b"GET /events/stream?type=protest HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    time.sleep(1.0)  # subscribed before the events come
    n = 3000
    # 5 KB each: far more than the socket buffers hold, so the queue fills
    events = numbered_events(0, n, datetime.now(UTC), evidence_chars=5000)
    stack.publish([orjson.dumps(e) for e in events], topic=stack.topics.events, partition=0)
    base = f"http://127.0.0.1:{port}"
    wait_until(lambda: get_json(f"{base}/stats")["last_hour"]["total"] >= n, timeout=120)
    messages = read_sse(sock)
    sock.close()

    received = [data["event_id"] for name, data in messages if name == "event"]
    missed = sum(data["count"] for name, data in messages if name == "missed")
    assert len(received) < n, "the client must have fallen behind for this test to mean anything"
    assert missed == n - len(received), f"{n - len(received)} events dropped, {missed} reported"
    assert len(received) == len(set(received)) and received == sorted(received), "in order, each once"
    assert received[:999] == [f"bulk-{i:05d}" for i in range(999)], "the queued events come first"
    print(f"{n} events to a client that did not read: {len(received)} delivered, {missed} dropped and counted")
