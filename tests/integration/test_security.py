"""SASL on a real broker: the worker and the CLI log in with PLAIN and SCRAM, fail fast and
clearly with a wrong password, and never show the password anywhere.

A private broker (its own ports and storage) gets a SASL_PLAINTEXT listener and a user
whose SCRAM credentials are written into the storage when it is formatted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests.integration.conftest import REPO, Stack, free_port, load_jsonl, own_broker
from workers.broker import LocalBroker

pytestmark = pytest.mark.integration

USER = "eventwire-svc"
PASSWORD = "Pw-7f3a9c-never-shown"
WRONG = "Pw-wrong-0b1d4e"
MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
ARTICLES = load_jsonl(REPO / "samples" / "articles.jsonl")
FAIL_FAST_SECONDS = 40  # the clients' bootstrap timeout is 15 s


@pytest.fixture(scope="module")
def sasl_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Bootstrap address of the SASL_PLAINTEXT listener of a private broker."""
    port = free_port()
    with own_broker(tmp_path_factory.mktemp("sasl") / "broker", sasl_port=port, sasl_users={USER: PASSWORD}):
        yield f"127.0.0.1:{port}"


def sasl(mechanism: str, password: str = PASSWORD) -> dict[str, str]:
    return {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": mechanism, "sasl_username": USER,
            "sasl_password": password}


def cli(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    """`eventwire ARGS` with the stack's connection in the environment, as an operator would run it."""
    env = stack.worker_env()
    return subprocess.run([sys.executable, "-m", "workers.cli", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_cli_creates_topics_and_publishes_with_the_right_credentials(sasl_broker: str, tmp_path: Path,
                                                                    mechanism: str):
    stack = Stack(sasl_broker, tmp_path, **sasl(mechanism))
    created = cli(stack, "topics", "create")
    published = cli(stack, "publish", str(REPO / "samples" / "articles.jsonl"), "--quiet")
    assert (created.returncode, published.returncode) == (0, 0), created.stderr + published.stderr
    assert f"published {len(ARTICLES)} records" in published.stderr
    raw = stack.read(stack.topics.articles, len(ARTICLES), timeout=20)[stack.topics.articles]
    assert len(raw) == len(ARTICLES)
    for result in (created, published):
        assert PASSWORD not in result.stdout + result.stderr


def test_worker_processes_articles_over_scram(sasl_broker: str, tmp_path: Path):
    stack = Stack(sasl_broker, tmp_path, **sasl("SCRAM-SHA-512"))
    worker = stack.worker().start()
    try:
        stack.publish(ARTICLES)
        t = stack.topics
        out = stack.read([t.unique, t.duplicates], len(ARTICLES), timeout=60, settle=1.0)
        went_on = {r["id"] for _, r in out[t.unique]} | {r["article_id"] for _, r in out[t.duplicates]}
        assert went_on == {orjson.loads(raw)["id"] for raw in ARTICLES}
        assert stack.read(t.events, 1, timeout=60)[t.events], "extraction runs over SASL too"
    finally:
        stack.close()
    assert PASSWORD not in worker.log.read_text(errors="replace")


def test_wrong_password_fails_fast_with_a_clear_error_and_no_secret(sasl_broker: str, tmp_path: Path):
    """The CLI with PLAIN, the worker with SCRAM-SHA-512 (each wrong login costs the 15 s bootstrap timeout)."""
    stack = Stack(sasl_broker, tmp_path, create=False, **sasl("PLAIN", WRONG))
    started = time.monotonic()
    result = cli(stack, "topics", "create")
    assert time.monotonic() - started < FAIL_FAST_SECONDS
    assert result.returncode == 1
    assert "Authentication failed" in result.stderr and "Traceback" not in result.stderr, result.stderr

    stack = Stack(sasl_broker, tmp_path, create=False, **sasl("SCRAM-SHA-512", WRONG))
    worker = stack.worker()
    started = time.monotonic()
    with pytest.raises(AssertionError, match="Authentication failed"):
        worker.start(timeout=FAIL_FAST_SECONDS)
    assert worker.proc is not None and worker.proc.wait(10) == 1
    assert time.monotonic() - started < FAIL_FAST_SECONDS
    for text in (result.stdout, result.stderr, worker.log.read_text(errors="replace")):
        assert WRONG not in text and PASSWORD not in text


def test_help_never_shows_the_password(tmp_path: Path):
    env = {**os.environ, "EVENTWIRE_SASL_PASSWORD": PASSWORD}
    commands = [[], ["worker"], ["publish"], ["subscribe"], ["topics"], ["settings"]]
    for args in commands:
        run = subprocess.run([sys.executable, "-m", "workers.cli", *args, "--help"], env=env, cwd=REPO,
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0 and PASSWORD not in run.stdout + run.stderr
    settings = subprocess.run([sys.executable, "-m", "workers.cli", "settings"], env=env, cwd=REPO,
                              capture_output=True, text=True, timeout=60)
    assert "EVENTWIRE_SASL_PASSWORD" in settings.stdout and PASSWORD not in settings.stdout
    assert LocalBroker.__dataclass_fields__["sasl_users"].repr is False
