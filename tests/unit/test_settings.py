"""Settings: one place, read from the environment, documented in the README, secrets never shown."""

from __future__ import annotations

from pathlib import Path

from workers.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_environment_overrides_defaults_with_types():
    s = Settings.from_env(
        {"EVENTWIRE_PARTITIONS": "8", "EVENTWIRE_DEDUP_THRESHOLD": "0.7", "EVENTWIRE_TOPIC_PREFIX": "x."}
    )
    assert (s.partitions, s.dedup_threshold, s.topic_prefix) == (8, 0.7, "x.")
    assert Settings.from_env({}, partitions=2).partitions == 2


def test_every_setting_is_in_the_readme_table_with_its_default():
    for env, default, doc in Settings.describe():
        shown = f"`{default}`" if default else "(empty)"
        assert f"| `{env}` | {shown} | {doc} |" in README, env


def test_secrets_are_masked():
    s = Settings.from_env({"EVENTWIRE_SASL_PASSWORD": "hunter2-secret"})
    assert "hunter2-secret" not in repr(s) + repr(s.redacted())
    assert s.redacted()["sasl_password"] == "***"
    assert all("hunter2" not in d for _, d, _ in Settings.describe())
