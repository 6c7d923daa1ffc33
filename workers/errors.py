"""eventwire's own exception type, and the one policy for a record that cannot be processed.

Every exception eventwire raises on purpose derives from `EventwireError`, so the command
line catches one type and prints its message. A record that fails in any stage (a worker
agent or a replay) goes through `fail()`: one log line naming the stage, topic, partition,
offset and reason, one count, and one dead letter, which the caller publishes; the record
is then done and its partition goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from workers.ingest.validate import RecordMeta, dead_letter
from workers.records import DeadLetter

log = logging.getLogger("eventwire.errors")


class EventwireError(Exception):
    """An error eventwire reports by its message (no traceback)."""


def fail(stage: str, meta: RecordMeta, payload: bytes | None, code: str, message: str, *,
         max_bytes: int, count: Callable[[str], None] | None = None) -> DeadLetter:
    """The dead letter for one record that failed in `stage`, logged once and counted once
    (`count` receives the dead-letter code)."""
    log.warning("%s: %s on %s[%s]@%s: %s", stage, code, meta.topic, meta.partition, meta.offset, message)
    if count is not None:
        count(code)
    return dead_letter(payload, meta, code, message, max_bytes, stage=stage)
