"""docker-compose.sasl.yml on a real broker: its HOST listener settings, turned into broker
properties the way the apache/kafka image does, make a broker of the same Kafka version that
refuses a client without the password and serves one with it (no Docker engine here)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from tests.integration.conftest import REPO, eventwire, free_port, free_port_pair, own_broker

pytestmark = pytest.mark.integration
PASSWORD = "compose-test-secret"


def image_properties(environment: dict[str, str]) -> dict[str, str]:
    """Broker properties from KAFKA_* variables, by the apache/kafka image's rule: drop the prefix,
    then '___' is '-', '__' is '_', '_' is '.', lower case."""
    out = {}
    for name, value in environment.items():
        if name.startswith("KAFKA_"):
            key = name[len("KAFKA_") :].replace("___", "-").replace("__", "\0").replace("_", ".").replace("\0", "_")
            out[key.lower()] = value
    return out


def compose_host_listener(password: str) -> dict[str, str]:
    """The SASL settings docker-compose.sasl.yml gives the HOST listener, the password put in as compose would."""
    override = yaml.safe_load((REPO / "docker-compose.sasl.yml").read_text())
    props = image_properties(override["services"]["kafka"]["environment"])
    jaas = props["listener.name.host.plain.sasl.jaas.config"]
    start = jaas.index("${EVENTWIRE_SASL_PASSWORD")
    props["listener.name.host.plain.sasl.jaas.config"] = jaas[:start] + password + jaas[jaas.index("}", start) + 1 :]
    return props


def topics_create(bootstrap: str, password: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "EVENTWIRE_BOOTSTRAP_SERVERS": bootstrap,
        "EVENTWIRE_TOPIC_PREFIX": "compose.",
        "EVENTWIRE_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "EVENTWIRE_SASL_MECHANISM": "PLAIN",
        "EVENTWIRE_SASL_USERNAME": "eventwire",
        "EVENTWIRE_SASL_PASSWORD": password,
    }
    return eventwire("topics", "create", env=env, timeout=120)


def test_the_compose_sasl_listener_wants_the_password(tmp_path: Path):
    port, host_port = free_port_pair(), free_port()
    props = compose_host_listener(PASSWORD)
    # the listeners of docker-compose.yml, on this machine's free ports instead of the container's
    props.update(
        {
            "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{port + 1},HOST://127.0.0.1:{host_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port},HOST://127.0.0.1:{host_port}",
        }
    )
    with own_broker(tmp_path / "broker", port=port, extra_properties=props):
        bootstrap = f"127.0.0.1:{host_port}"
        refused = topics_create(bootstrap, "not-the-password")
        assert refused.returncode == 1 and "cannot connect" in refused.stderr, refused.stderr
        done = topics_create(bootstrap, PASSWORD)
        assert done.returncode == 0, done.stderr
        assert "compose.articles" in done.stdout
