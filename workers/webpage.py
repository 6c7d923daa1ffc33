"""The live view: one page that shows extracted events as they arrive, served by the worker.

    GET /live                      the page (web/index.html)
    GET /live/<asset>              its script and style sheet, the TopoJSON decoder and the country
                                   boundaries (Natural Earth 1:110m), the last two from web/node_modules
    GET /clusters?after=SEQ&epoch=E   clusters of more than one event that changed after SEQ (and
                                      those that had more: shrunk, or retired with `merged_into`)

The page reads events from `GET /events` and `GET /events/stream` (workers/web.py); this
module adds only what those do not serve: which events are reports of one real-world event
(`events.consolidated`), so the page can size a marker by its number of reports. Clusters
are numbered in the order they change; a page asks for the changes after the last number it
saw, and `epoch` (new at every start of the worker) tells it when the numbers began again.

Everything is served from local files: `make web` (run by `make run` and `make test`)
installs the boundary data from the npm registry with `npm ci` in web/.
"""

from __future__ import annotations

import re
import uuid
from collections import OrderedDict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web as aioweb

from workers.extract.codes import event_types
from workers.stream.app import Wiring
from workers.stream.feed import EventFeed

WEB_ROOT = Path(__file__).resolve().parents[1] / "web"
# URL name -> (file under the web folder, content type); nothing else is served
ASSETS = {
    "app.js": ("app.js", "text/javascript"),
    "style.css": ("style.css", "text/css"),
    "topojson-client.js": ("node_modules/topojson-client/dist/topojson-client.min.js", "text/javascript"),
    "countries-110m.json": ("node_modules/world-atlas/countries-110m.json", "application/json"),
}
# the page loads nothing from elsewhere, and the browser enforces it
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}
TYPES_SLOT = re.compile(r"[ \t]*<!--event-types:[^>]*-->")
CLUSTER_FIELDS = ("cluster_id", "version", "num_events", "num_articles", "num_sources", "event_ids")
RETIRED_FIELDS = ("cluster_id", "version", "merged_into")


class ClusterIndex:
    """The latest version of each recent cluster, in the order the clusters last changed.

    Fed by an `EventFeed` on `events.consolidated`, which calls `add` for every record and
    reads `max_age` to know where to start. A retired id (`merged_into`) is kept as such, so
    a page drops it; the cluster it merged into was published before it.
    """

    def __init__(self, max_age: timedelta = timedelta(days=1), max_count: int = 20_000) -> None:
        self.max_age = max_age
        self.max_count = max_count
        self.epoch = uuid.uuid4().hex[:12]
        self.seq = 0
        self._clusters: OrderedDict[str, tuple[int, datetime, dict[str, Any]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._clusters)

    def add(self, record: dict[str, Any], published: datetime) -> None:
        """Keep `record` if it is newer than the version held of its cluster, then prune."""
        cluster_id = record["cluster_id"]
        held = self._clusters.get(cluster_id)
        if held is not None and held[2]["version"] >= record["version"]:
            return  # a re-delivery, or an older version read after a newer one
        self.seq += 1
        self._clusters.pop(cluster_id, None)
        fields = RETIRED_FIELDS if "merged_into" in record else CLUSTER_FIELDS
        kept = {k: record[k] for k in fields}
        # a page may show the cluster (it had more than one event): it must hear of every change
        kept["shown"] = held is not None and (held[2]["shown"] or held[2].get("num_events", 0) > 1)
        self._clusters[cluster_id] = (self.seq, published, kept)
        horizon = published - self.max_age
        while self._clusters:
            _, oldest, _ = next(iter(self._clusters.values()))
            if oldest >= horizon and len(self._clusters) <= self.max_count:
                break
            self._clusters.popitem(last=False)

    def changed_after(self, after: int) -> list[dict[str, Any]]:
        """Clusters whose latest version came after number `after`, oldest first: those of more
        than one event, and those that had more before (shrunk, or retired with `merged_into`)."""
        out = []
        for seq, _, cluster in reversed(self._clusters.values()):
            if seq <= after:
                break
            if cluster.get("num_events", 0) > 1 or cluster["shown"]:
                out.append({k: v for k, v in cluster.items() if k != "shown"})
        out.reverse()
        return out


def live_page_html(template: str) -> bytes:
    """The page with one type filter option per event type of the code table."""
    options = "\n".join(f'          <option value="{t}">{t.replace("_", " ")}</option>' for t in event_types())
    return TYPES_SLOT.sub(lambda _: options, template, count=1).encode()


def register_page(w: Wiring, root: Path = WEB_ROOT) -> None:
    """Serve the live view from `root` and `GET /clusters` from a feed of `events.consolidated`."""
    app = w.app
    clusters = ClusterIndex()
    feed = EventFeed(w.settings, w.names.consolidated, clusters)  # type: ignore[arg-type]  # add() and max_age suffice

    @app.task
    async def run_cluster_feed() -> None:
        await feed.run()

    def serve(relative: str, content_type: str) -> aioweb.StreamResponse:
        path = root / relative
        if not path.is_file():
            return aioweb.Response(status=503, text=f"{path} is missing: run `make web` (npm ci in web/)\n")
        return aioweb.FileResponse(path, headers={**PAGE_HEADERS, "Content-Type": content_type})

    @app.page("/live")
    async def live_page(self, request):
        path = root / "index.html"
        if not path.is_file():
            return serve("index.html", "text/html; charset=utf-8")  # says what is missing
        return aioweb.Response(
            body=live_page_html(path.read_text(encoding="utf-8")),
            headers={**PAGE_HEADERS, "Content-Type": "text/html; charset=utf-8"},
        )

    @app.page("/live/{name}")
    async def live_asset(self, request, name):
        if name not in ASSETS:
            return aioweb.Response(status=404, text="not found\n")
        return serve(*ASSETS[name])

    @app.page("/clusters")
    async def changed_clusters(self, request):
        try:
            after = int(request.query.get("after", 0))
        except ValueError:
            return aioweb.json_response({"error": "after: expected an integer"}, status=400)
        if request.query.get("epoch") != clusters.epoch:
            after = 0  # the worker restarted since the page last asked: send everything
        body = {"epoch": clusters.epoch, "seq": clusters.seq, "clusters": clusters.changed_after(after)}
        return aioweb.Response(body=orjson.dumps(body), content_type="application/json")
