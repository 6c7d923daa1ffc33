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
    assert f"{host_port}:{host_port}" in COMPOSE["services"]["kafka"]["ports"]
    assert (REPO / "Dockerfile").exists()
