"""The Kafka client's connection errors logged as state changes, not one line per retry.

While the broker is away, aiokafka logs an error for every failed attempt of every client
in the worker (connect, metadata, fetch, group coordinator): about 9,400 lines a minute
(measured: README, Reliability). `ConnectionLog` is a logging filter on aiokafka's loggers
that lets the first such error through as one "lost" line, then holds the rest back and
reports, at growing intervals, that the broker is still away and how many attempts failed,
and finally that it is back: once no connection error has been logged for `quiet` seconds
(aiokafka retries every second or so while it is away, so a quiet spell means it
reconnected). Every other record of those loggers passes unchanged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from aiokafka.errors import KafkaConnectionError, NodeNotReadyError, RequestTimedOutError

log = logging.getLogger("eventwire.connection")

# the one failure message that carries no exception (its arguments are node ids)
_METADATA_FAILED = "Unable to update metadata from %s"
CONNECTION_ERRORS = (OSError, KafkaConnectionError, NodeNotReadyError, RequestTimedOutError)
FIRST_REPORT = 30.0  # seconds after the loss; then every twice as long, at most every MAX_REPORT
MAX_REPORT = 300.0
QUIET = 5.0  # seconds without a connection error after which the broker counts as back


def is_connection_failure(record: logging.LogRecord) -> bool:
    """A warning or error about a failed attempt to reach the broker."""
    if record.levelno < logging.WARNING:
        return False
    if record.msg == _METADATA_FAILED:
        return True
    args = record.args if isinstance(record.args, tuple) else ()
    return any(isinstance(arg, CONNECTION_ERRORS) for arg in args)


class ConnectionLog(logging.Filter):
    """Holds back repeated connection errors and logs the connection's state changes instead.

    `check()` must be called every second or so (`install()` starts a thread that does).
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        quiet: float = QUIET,
        first_report: float = FIRST_REPORT,
        max_report: float = MAX_REPORT,
    ) -> None:
        super().__init__()
        self.clock = clock
        self.quiet = quiet
        self.first_report = first_report
        self.max_report = max_report
        self._lock = threading.Lock()
        self.down_since: float | None = None
        self.failures = 0  # failed attempts held back since the loss
        self._last_failure = 0.0
        self._last_message = ""
        self._next_report = 0.0
        self._interval = first_report

    def filter(self, record: logging.LogRecord) -> bool:
        if not is_connection_failure(record):
            return True
        with self._lock:
            now = self.clock()
            self._last_failure, self._last_message = now, record.getMessage()
            if self.down_since is not None:
                self.failures += 1
                return False
            self.down_since, self.failures = now, 0
            self._interval = self.first_report
            self._next_report = now + self._interval
        log.warning(
            "Kafka connection lost: %s; retrying, the failed attempts are summed up here "
            "(after %.0f s, then at growing intervals) until it is back",
            self._last_message,
            self.first_report,
        )
        return False

    def check(self) -> None:
        """Log that the connection is back, or a summary of the outage, if one is due."""
        with self._lock:
            if self.down_since is None:
                return
            now = self.clock()
            failures, last = self.failures, self._last_message
            if now - self._last_failure >= self.quiet:
                lasted, self.down_since = self._last_failure - self.down_since, None
                back = True
            elif now >= self._next_report:
                lasted, back = now - self.down_since, False
                self._interval = min(self._interval * 2, self.max_report)
                self._next_report = now + self._interval
            else:
                return
        if back:
            log.warning("Kafka connection back after about %.0f s (%d failed attempts not logged)", lasted, failures)
        else:
            log.warning(
                "Kafka still unreachable after %.0f s: %d failed attempts so far, the last: %s", lasted, failures, last
            )


_installed: ConnectionLog | None = None


def install() -> ConnectionLog:
    """Put one `ConnectionLog` on every aiokafka logger of this process and start its clock (idempotent).

    A logger's filters see only the records logged on it, not those of its children, so the
    filter goes on each aiokafka logger (`aiokafka` itself and the module loggers of the
    modules imported by now: all of them, once Faust's aiokafka driver is imported).
    """
    global _installed
    if _installed is None:
        _installed = connection_log = ConnectionLog()
        names = ["aiokafka", *(name for name in logging.root.manager.loggerDict if name.startswith("aiokafka."))]
        for name in names:
            logging.getLogger(name).addFilter(connection_log)

        def tick() -> None:
            # a thread, not a task: the clients log from more than one event loop (Faust runs its
            # consumer in a thread of its own), and the return is noticed without any record
            while True:
                time.sleep(1.0)
                connection_log.check()

        threading.Thread(target=tick, name="kafka-connection-log", daemon=True).start()
    return _installed
