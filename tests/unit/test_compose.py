"""docker-compose.yml runs the same stack as the local broker: checked by reading it (no Docker engine here)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from workers.settings import Settings

REPO = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SETTING_ENVS = {env for env, _, _ in Settings.describe()}


def test_kafka_image_matches_the_local_broker_version():
    pom = (REPO / "broker" / "pom.xml").read_text()
    version = re.search(r"<kafka.version>([^<]+)</kafka.version>", pom).group(1)
    assert COMPOSE["services"]["kafka"]["image"] == f"apache/kafka:{version}"


def test_kafka_is_single_node_kraft():
    env = COMPOSE["services"]["kafka"]["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].startswith(f"{env['KAFKA_NODE_ID']}@")
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == "1"


def test_worker_and_topics_read_only_real_settings_pointing_at_the_broker():
    kafka_env = COMPOSE["services"]["kafka"]["environment"]
    advertised = dict(item.split("://") for item in kafka_env["KAFKA_ADVERTISED_LISTENERS"].split(","))
    for name in ("worker", "topics"):
        service = COMPOSE["services"][name]
        env = service["environment"]
        assert set(env) <= SETTING_ENVS, set(env) - SETTING_ENVS
        assert env["EVENTWIRE_BOOTSTRAP_SERVERS"] == advertised["PLAINTEXT"]
        assert service["build"] == "."
    assert COMPOSE["services"]["topics"]["command"] == ["topics", "create"]
    assert COMPOSE["services"]["worker"]["depends_on"]["topics"]["condition"] == "service_completed_successfully"


def test_ports_match_settings():
    worker = COMPOSE["services"]["worker"]
    port = worker["environment"]["EVENTWIRE_WEB_PORT"]
    assert f"127.0.0.1:{port}:{port}" in worker["ports"]
    host_port = Settings().broker_port
    assert f"127.0.0.1:{host_port}:{host_port}" in COMPOSE["services"]["kafka"]["ports"]
    assert (REPO / "Dockerfile").exists()


def test_every_published_port_is_bound_to_loopback():
    """The broker's HOST listener is unauthenticated PLAINTEXT: published on every interface, any
    machine that reaches the host could read and write every topic."""
    published = [(name, entry) for name, service in COMPOSE["services"].items() for entry in service.get("ports", [])]
    assert published
    for name, entry in published:
        assert isinstance(entry, str) and entry.startswith("127.0.0.1:"), (name, entry)


def test_the_sasl_override_asks_the_host_listener_for_a_login_with_the_password_from_the_environment():
    override = yaml.safe_load((REPO / "docker-compose.sasl.yml").read_text())
    env = {**COMPOSE["services"]["kafka"]["environment"], **override["services"]["kafka"]["environment"]}
    protocols = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert protocols["HOST"] == "SASL_PLAINTEXT"
    assert protocols["PLAINTEXT"] == "PLAINTEXT"  # the stack's private listener, not published
    assert "PLAIN" in env["KAFKA_SASL_ENABLED_MECHANISMS"].split(",")
    jaas = env["KAFKA_LISTENER_NAME_HOST_PLAIN_SASL_JAAS_CONFIG"]
    assert 'user_eventwire="${EVENTWIRE_SASL_PASSWORD:?' in jaas, "the password comes from the environment"
    assert set(override["services"]) == {"kafka"}
