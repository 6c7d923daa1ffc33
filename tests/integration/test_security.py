"""SASL and TLS on a real broker: the worker and the CLI log in with PLAIN and SCRAM, fail fast
and clearly with a wrong password, and never show the password anywhere; over TLS they
trust the broker through `EVENTWIRE_SSL_CAFILE` and fail fast and clearly with a wrong CA.

A private broker (its own ports and storage) gets a SASL_PLAINTEXT listener and a user
whose SCRAM credentials are written into the storage when it is formatted. Another one gets
SSL and SASL_SSL listeners with a key pair made by `keytool` at test time (`workers.tls`).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from tests.integration.conftest import REPO, Stack, eventwire, free_port, load_jsonl, own_broker
from workers.broker import LocalBroker
from workers.extract.pipeline import Extractor
from workers.records import Article
from workers.tls import BrokerStores, CertificateAuthority, broker_stores, client_pem

pytestmark = pytest.mark.integration

USER = "eventwire-svc"
PASSWORD = "Pw-7f3a9c-never-shown"
WRONG = "Pw-wrong-0b1d4e"
MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
ARTICLES = load_jsonl(REPO / "samples" / "articles.jsonl")
FAIL_FAST_SECONDS = 40  # the clients' bootstrap timeout is 15 s
# the broker's answer, or (kafka-python often loses that answer) the close during the login
LOGIN_REJECTED = re.compile(r"Authentication failed|closed the connection during the SASL login")


@pytest.fixture(scope="module")
def sasl_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Bootstrap address of the SASL_PLAINTEXT listener of a private broker."""
    port = free_port()
    with own_broker(tmp_path_factory.mktemp("sasl") / "broker", sasl_port=port, sasl_users={USER: PASSWORD}):
        yield f"127.0.0.1:{port}"


def sasl(mechanism: str, password: str = PASSWORD) -> dict[str, str]:
    return {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": mechanism,
        "sasl_username": USER,
        "sasl_password": password,
    }


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_cli_creates_topics_and_publishes_with_the_right_credentials(sasl_broker: str, tmp_path: Path, mechanism: str):
    stack = Stack(sasl_broker, tmp_path, create=False, **sasl(mechanism))
    created = stack.cli("topics", "create")
    published = stack.cli("publish", str(REPO / "samples" / "articles.jsonl"), "--quiet")
    assert (created.returncode, published.returncode) == (0, 0), created.stderr + published.stderr
    assert f"published {len(ARTICLES)} of {len(ARTICLES)} records" in published.stderr
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
    result = stack.cli("topics", "create")
    assert time.monotonic() - started < FAIL_FAST_SECONDS
    assert result.returncode == 1
    assert LOGIN_REJECTED.search(result.stderr) and "Traceback" not in result.stderr, result.stderr

    stack = Stack(sasl_broker, tmp_path, create=False, **sasl("SCRAM-SHA-512", WRONG))
    worker = stack.worker()
    started = time.monotonic()
    with pytest.raises(AssertionError, match=LOGIN_REJECTED.pattern):
        worker.start(timeout=FAIL_FAST_SECONDS)
    assert worker.proc is not None and worker.proc.wait(10) == 1
    assert time.monotonic() - started < FAIL_FAST_SECONDS
    for text in (result.stdout, result.stderr, worker.log.read_text(errors="replace")):
        assert WRONG not in text and PASSWORD not in text


def test_help_never_shows_the_password(tmp_path: Path):
    env = {**os.environ, "EVENTWIRE_SASL_PASSWORD": PASSWORD}
    commands = [[], ["worker"], ["publish"], ["subscribe"], ["topics"], ["settings"]]
    for args in commands:
        run = eventwire(*args, "--help", env=env, timeout=60)
        assert run.returncode == 0 and PASSWORD not in run.stdout + run.stderr
    settings = eventwire("settings", env=env, timeout=60)
    assert "EVENTWIRE_SASL_PASSWORD" in settings.stdout and PASSWORD not in settings.stdout
    assert LocalBroker.__dataclass_fields__["sasl_users"].repr is False


# -- TLS ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TlsBroker:
    ssl: str  # bootstrap address of the SSL listener
    sasl_ssl: str  # bootstrap address of the SASL_SSL listener
    stores: BrokerStores
    ca: CertificateAuthority  # signed the broker's certificate
    unrelated: CertificateAuthority  # did not sign it


@pytest.fixture(scope="module")
def tls_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsBroker]:
    """A private broker with SSL and SASL_SSL listeners; its certificates are made here by keytool.

    The SSL listener asks for a client certificate but accepts a client without one.
    """
    folder = tmp_path_factory.mktemp("tls")
    ca = CertificateAuthority.create(folder / "ca")
    stores = broker_stores(folder / "stores", ca)
    unrelated = CertificateAuthority.create(folder / "unrelated-ca", name="unrelated CA")
    ssl_port, sasl_ssl_port = free_port(), free_port()
    with own_broker(
        folder / "broker",
        ssl_port=ssl_port,
        sasl_ssl_port=sasl_ssl_port,
        ssl_client_auth="requested",
        sasl_users={USER: PASSWORD},
        **stores.broker_options(),
    ):
        yield TlsBroker(f"127.0.0.1:{ssl_port}", f"127.0.0.1:{sasl_ssl_port}", stores, ca, unrelated)


def tls(cafile: Path) -> dict[str, str]:
    return {"security_protocol": "SSL", "ssl_cafile": str(cafile)}


def test_cli_creates_topics_and_publishes_over_tls(tls_broker: TlsBroker, tmp_path: Path):
    stack = Stack(tls_broker.ssl, tmp_path, create=False, **tls(tls_broker.stores.ca_pem))
    created = stack.cli("topics", "create")
    published = stack.cli("publish", str(REPO / "samples" / "articles.jsonl"), "--quiet")
    assert (created.returncode, published.returncode) == (0, 0), created.stderr + published.stderr
    assert f"published {len(ARTICLES)} of {len(ARTICLES)} records" in published.stderr
    raw = stack.read(stack.topics.articles, len(ARTICLES), timeout=20, settle=1.0)[stack.topics.articles]
    assert sorted(r["id"] for _, r in raw) == sorted(orjson.loads(a)["id"] for a in ARTICLES)


def test_worker_extracts_events_over_tls(tls_broker: TlsBroker, tmp_path: Path):
    article = next(raw for raw in ARTICLES if b'"s02-idlib-airstrike"' in raw)
    expected = sorted(e.event_id for e in Extractor().extract(Article(**orjson.loads(article))))
    assert expected, "the sample article must hold events"
    stack = Stack(tls_broker.ssl, tmp_path, **tls(tls_broker.stores.ca_pem))
    stack.worker().start()
    try:
        stack.publish([article])
        events = stack.read(stack.topics.events, len(expected), timeout=90, settle=2.0)[stack.topics.events]
    finally:
        stack.close()
    assert sorted(r["event_id"] for _, r in events) == expected
    assert {r["article_id"] for _, r in events} == {"s02-idlib-airstrike"}


def test_an_unrelated_ca_fails_fast_with_a_clear_error(tls_broker: TlsBroker, tmp_path: Path):
    """The CLI and the worker trusting a CA that did not sign the broker's certificate."""
    stack = Stack(tls_broker.ssl, tmp_path, create=False, **tls(tls_broker.unrelated.pem))
    for command in (("topics", "create"), ("subscribe",), ("replay", "--from", "beginning", "--output-prefix", "x.")):
        started = time.monotonic()
        result = stack.cli(*command)
        assert time.monotonic() - started < FAIL_FAST_SECONDS, command
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith(f"error: cannot connect to {tls_broker.ssl} (SSL): "), result.stderr
        assert "CERTIFICATE_VERIFY_FAILED" in result.stderr and "Traceback" not in result.stderr, result.stderr

    worker = stack.worker()
    started = time.monotonic()
    with pytest.raises(AssertionError, match="CERTIFICATE_VERIFY_FAILED"):
        worker.start(timeout=FAIL_FAST_SECONDS)
    assert worker.proc is not None and worker.proc.wait(10) == 1
    assert time.monotonic() - started < FAIL_FAST_SECONDS


@pytest.mark.skipif(shutil.which("openssl") is None, reason="a client key as PEM needs openssl (keytool cannot)")
def test_client_certificate_is_sent_and_checked(tls_broker: TlsBroker, tmp_path: Path):
    """Mutual TLS: a client certificate from the broker's CA is accepted, one from another CA refused."""
    cert, key = client_pem(tmp_path / "good", tls_broker.ca)
    stack = Stack(
        tls_broker.ssl,
        tmp_path,
        create=False,
        **tls(tls_broker.stores.ca_pem),
        ssl_certfile=str(cert),
        ssl_keyfile=str(key),
    )
    created = stack.cli("topics", "create")
    published = stack.cli("publish", str(REPO / "samples" / "articles.jsonl"), "--quiet")
    assert (created.returncode, published.returncode) == (0, 0), created.stderr + published.stderr
    assert len(stack.read(stack.topics.articles, len(ARTICLES), timeout=20)[stack.topics.articles]) == len(ARTICLES)

    cert, key = client_pem(tmp_path / "bad", tls_broker.unrelated)
    stack = Stack(
        tls_broker.ssl,
        tmp_path,
        create=False,
        **tls(tls_broker.stores.ca_pem),
        ssl_certfile=str(cert),
        ssl_keyfile=str(key),
    )
    started = time.monotonic()
    result = stack.cli("topics", "create")
    assert time.monotonic() - started < FAIL_FAST_SECONDS
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"error: cannot connect to {tls_broker.ssl} (SSL): "), result.stderr


def sasl_ssl(tls_broker: TlsBroker, password: str = PASSWORD) -> dict[str, str]:
    return {
        **sasl("SCRAM-SHA-512", password),
        "security_protocol": "SASL_SSL",
        "ssl_cafile": str(tls_broker.stores.ca_pem),
    }


def test_scram_over_tls(tls_broker: TlsBroker, tmp_path: Path):
    connection = sasl_ssl(tls_broker)
    stack = Stack(tls_broker.sasl_ssl, tmp_path, create=False, **connection)
    created = stack.cli("topics", "create")
    published = stack.cli("publish", str(REPO / "samples" / "articles.jsonl"), "--quiet")
    assert (created.returncode, published.returncode) == (0, 0), created.stderr + published.stderr
    raw = stack.read(stack.topics.articles, len(ARTICLES), timeout=20, settle=1.0)[stack.topics.articles]
    assert len(raw) == len(ARTICLES)
    for result in (created, published):
        assert PASSWORD not in result.stdout + result.stderr

    wrong = Stack(tls_broker.sasl_ssl, tmp_path, create=False, **sasl_ssl(tls_broker, WRONG))
    started = time.monotonic()
    result = wrong.cli("topics", "create")
    assert time.monotonic() - started < FAIL_FAST_SECONDS
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(
        f"error: cannot connect to {tls_broker.sasl_ssl} (SASL_SSL, SCRAM-SHA-512 as '{USER}'): "
    ), result.stderr
    assert WRONG not in result.stdout + result.stderr and "Traceback" not in result.stderr


def test_wrong_password_over_tls_names_the_rejected_login(tls_broker: TlsBroker, tmp_path: Path):
    result = Stack(tls_broker.sasl_ssl, tmp_path, create=False, **sasl_ssl(tls_broker, WRONG)).cli("topics", "create")
    assert result.returncode == 1 and LOGIN_REJECTED.search(result.stderr), result.stderr
