"""eventwire's own exception type, and the one policy for a record that cannot be processed.

Every exception eventwire raises on purpose derives from `EventwireError`, so the command
line catches one type and prints its message. A record that fails in any stage (a worker
agent or a replay) goes through `fail()`: one log line naming the stage, topic, partition,
offset and reason, one count, and one dead letter, which the caller publishes; the record
is then done and its partition goes on.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from workers.records import DeadLetter

log = logging.getLogger("eventwire.errors")


class EventwireError(Exception):
    """An error eventwire reports by its message (no traceback)."""


@dataclass(frozen=True, slots=True)
class RecordMeta:
    """Where a raw record came from (None offline)."""

    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    timestamp_ms: int | None = None

    @property
    def timestamp(self) -> datetime:
        if self.timestamp_ms is None:
            return datetime.now(UTC)
        return datetime.fromtimestamp(self.timestamp_ms / 1000, UTC)


def dead_letter(
    payload: bytes | None, meta: RecordMeta, code: str, message: str, max_bytes: int, stage: str = "ingest"
) -> DeadLetter:
    """A dead letter carrying the raw payload (cut to `max_bytes`) and where it came from."""
    raw = payload or b""
    return DeadLetter(
        error=code,
        message=message[:2000],
        topic=meta.topic,
        partition=meta.partition,
        offset=meta.offset,
        timestamp=meta.timestamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        payload_b64=base64.b64encode(raw[:max_bytes]).decode("ascii"),
        stage=stage,
    )


def fail(
    stage: str,
    meta: RecordMeta,
    payload: bytes | None,
    code: str,
    message: str,
    *,
    max_bytes: int,
    count: Callable[[str], None] | None = None,
) -> DeadLetter:
    """The dead letter for one record that failed in `stage`, logged once and counted once
    (`count` receives the dead-letter code)."""
    where = meta.topic if meta.partition is None else f"{meta.topic}[{meta.partition}]@{meta.offset}"
    log.warning("%s: %s on %s: %s", stage, code, where, message)
    if count is not None:
        count(code)
    return dead_letter(payload, meta, code, message, max_bytes, stage=stage)
