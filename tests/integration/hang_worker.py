"""`python -m tests.integration.hang_worker worker`: a worker whose extractor misbehaves on
marked articles (tests/hang.py). For the time-budget tests only."""

from __future__ import annotations

import sys

from tests.hang import MisbehavingExtractor
from workers.settings import Settings
from workers.stream.worker import run_worker

if __name__ == "__main__":
    sys.exit(run_worker(Settings.from_env(), "info", factory=MisbehavingExtractor))
