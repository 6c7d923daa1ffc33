"""A local single-node Apache Kafka broker (KRaft) for `make run`, the tests and CI.

The official Kafka jars come from Maven Central: `broker/pom.xml` names them and
`mvn dependency:copy-dependencies` copies them into `<broker_home>/jars` once. Each
`start` writes a server.properties on 127.0.0.1, formats fresh storage in a temp folder
(unless `reuse_data`), launches `java kafka.Kafka` in the background and waits until the
broker answers a metadata request. `stop` ends it by pid. Both are idempotent.

With `sasl_port`, a SASL_PLAINTEXT listener takes PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512
logins of `sasl_users` (PLAIN users in the listener's JAAS config, SCRAM credentials
written into the storage at format time). With `ssl_port`, an SSL listener serves TLS from the
PKCS12 `ssl_keystore` (and checks client certificates against `ssl_truststore` when
`ssl_client_auth` asks for them); with `sasl_ssl_port`, a SASL_SSL listener takes the same
logins as the SASL_PLAINTEXT one over TLS. `workers.tls.broker_stores` makes such stores.
The PLAINTEXT listener stays on `port` in every case. Other listeners go in `extra_properties`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from workers.errors import EventwireError

REPO_ROOT = Path(__file__).resolve().parent.parent
POM = REPO_ROOT / "broker" / "pom.xml"
CLUSTER_ID = "ZXZlbnR3aXJlLWxvY2FsMQ"  # 22 chars of base64: any fixed id works for one node
SCRAM_MECHANISMS = ("SCRAM-SHA-256", "SCRAM-SHA-512")

LOG4J2 = """\
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
"""


class BrokerError(EventwireError):
    """The local broker could not be installed, started or reached."""


@dataclass
class LocalBroker:
    """One local broker, identified by its home folder and client port."""

    home: Path
    port: int = 9092
    heap: str = "768m"
    extra_properties: dict[str, str] = field(default_factory=dict)
    sasl_port: int | None = None
    sasl_users: dict[str, str] = field(default_factory=dict, repr=False)  # user name -> password
    ssl_port: int | None = None
    sasl_ssl_port: int | None = None
    ssl_keystore: Path | None = None  # PKCS12: the broker's key pair and certificate chain
    ssl_truststore: Path | None = None  # PKCS12: the CAs client certificates must come from
    ssl_password: str = field(default="", repr=False)  # of both stores (and of the key)
    ssl_client_auth: str = "none"  # of the SSL listener: none, requested or required

    @property
    def jars(self) -> Path:
        return self.home / "jars"

    @property
    def run_dir(self) -> Path:
        return self.home / f"run-{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.run_dir / "broker.pid"

    @property
    def log_file(self) -> Path:
        return self.run_dir / "server.log"

    @property
    def data_dir(self) -> Path:
        return Path(tempfile.gettempdir()) / f"eventwire-kafka-{self.port}"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    # -- install -----------------------------------------------------------------------
    def install(self) -> None:
        """Copy the Kafka jars from Maven Central into the cache (once)."""
        marker = self.jars / ".complete"
        if marker.exists() and marker.read_text() == POM.read_text():
            return
        if shutil.which("mvn") is None:
            raise BrokerError("Maven (mvn) is needed to fetch the Kafka jars; install it (Debian: maven)")
        shutil.rmtree(self.jars, ignore_errors=True)
        self.jars.mkdir(parents=True)
        cmd = [
            "mvn",
            "-q",
            "-B",
            "-f",
            str(POM),
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={self.jars}",
        ]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            raise BrokerError(f"mvn failed to resolve the Kafka jars:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
        marker.write_text(POM.read_text())

    # -- lifecycle ---------------------------------------------------------------------
    def pid(self) -> int | None:
        """The pid of the running broker, or None."""
        try:
            pid = int(self.pid_file.read_text())
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        try:  # a broker this process started stays a zombie after it exits, until reaped here
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return None
        except ChildProcessError:
            pass  # not a child of this process: the signal check above decides
        return pid

    def is_ready(self, timeout: float = 3.0) -> bool:
        """True when the port is open and the broker answers a metadata request."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=timeout):
                pass
        except OSError:
            return False
        from kafka import KafkaAdminClient  # imported late: `broker status` should stay quick

        try:
            admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=int(timeout * 1000))
            try:
                admin.list_topics()
            finally:
                admin.close()
        except Exception:
            return False
        return True

    def start(self, *, reuse_data: bool = False, timeout: float = 90.0) -> None:
        """Start the broker unless it runs already; return when it answers."""
        if self.pid() is not None:
            if self.wait_ready(timeout):
                return
            raise BrokerError(f"broker pid {self.pid()} runs but does not answer; see {self.log_file}")
        if self.is_ready():
            return  # a broker that this folder did not start answers on the port: use it
        self.install()
        self.run_dir.mkdir(parents=True, exist_ok=True)
        config = self.run_dir / "server.properties"
        config.write_text(self._server_properties())
        (self.run_dir / "log4j2.properties").write_text(LOG4J2.format(log=self.log_file))
        if not (reuse_data and (self.data_dir / "meta.properties").exists()):
            shutil.rmtree(self.data_dir, ignore_errors=True)
            scram = [
                arg
                for user, password in self.sasl_users.items()
                for mechanism in SCRAM_MECHANISMS
                for arg in ("--add-scram", f"{mechanism}=[name={user},password={password}]")
            ]
            self._java("kafka.tools.StorageTool", "format", "-t", CLUSTER_ID, "-c", str(config), *scram, check=True)
        stdout = open(self.run_dir / "stdout.log", "ab")  # noqa: SIM115 - the broker process keeps writing to it
        proc = subprocess.Popen(
            self._java_cmd("kafka.Kafka", str(config)),
            stdout=stdout,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.pid_file.write_text(str(proc.pid))
        if not self.wait_ready(timeout):
            self.stop()
            raise BrokerError(f"broker did not answer within {timeout:.0f}s; see {self.log_file}")

    def wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pid() is None:
                return False
            if self.is_ready():
                return True
            time.sleep(0.5)
        return False

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the broker by pid (SIGTERM, then SIGKILL after `timeout`)."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.pid() is not None:
            time.sleep(0.2)
        if self.pid() is not None:
            os.kill(pid, signal.SIGKILL)
            while self.pid() is not None:
                time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)

    # -- helpers -----------------------------------------------------------------------
    def _server_properties(self) -> str:
        controller = self.port + 1
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{controller}",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{controller}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self.data_dir),
            "num.partitions": "1",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "4",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "4",
            "share.coordinator.state.topic.replication.factor": "1",
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": "true",
            "log.flush.interval.messages": "9223372036854775807",
        }
        if self.sasl_port is not None:
            props.update(self._sasl_properties(props))
        if self.ssl_port is not None:
            props.update(self._listener(props, "SSL", self.ssl_port))
            props.update(self._ssl_properties("ssl", client_auth=self.ssl_client_auth))
        if self.sasl_ssl_port is not None:
            props.update(self._sasl_properties(props, "SASL_SSL", self.sasl_ssl_port))
            props.update(self._ssl_properties("sasl_ssl", client_auth="none"))
        props.update(self.extra_properties)
        return "".join(f"{k}={v}\n" for k, v in props.items())

    @staticmethod
    def _listener(props: dict[str, str], name: str, port: int) -> dict[str, str]:
        """One more listener `name` (also its security protocol) on 127.0.0.1:`port`."""
        listener = f"{name}://127.0.0.1:{port}"
        return {
            "listeners": f"{props['listeners']},{listener}",
            "advertised.listeners": f"{props['advertised.listeners']},{listener}",
            "listener.security.protocol.map": f"{props['listener.security.protocol.map']},{name}:{name}",
        }

    def _sasl_properties(
        self, props: dict[str, str], name: str = "SASL_PLAINTEXT", port: int | None = None
    ) -> dict[str, str]:
        plain_users = " ".join(f'user_{user}="{password}"' for user, password in self.sasl_users.items())
        prefix = f"listener.name.{name.lower()}"
        sasl = {
            **self._listener(props, name, port or self.sasl_port or 0),
            "sasl.enabled.mechanisms": ",".join(("PLAIN", *SCRAM_MECHANISMS)),
            f"{prefix}.plain.sasl.jaas.config": f"org.apache.kafka.common.security.plain.PlainLoginModule required {plain_users};",
        }
        for mechanism in SCRAM_MECHANISMS:
            sasl[f"{prefix}.{mechanism.lower()}.sasl.jaas.config"] = (
                "org.apache.kafka.common.security.scram.ScramLoginModule required;"
            )
        return sasl

    def _ssl_properties(self, listener: str, client_auth: str) -> dict[str, str]:
        if self.ssl_keystore is None or self.ssl_truststore is None:
            raise BrokerError("a TLS listener needs ssl_keystore and ssl_truststore (see workers.tls.broker_stores)")
        prefix = f"listener.name.{listener}.ssl"
        return {
            f"{prefix}.keystore.type": "PKCS12",
            f"{prefix}.keystore.location": str(self.ssl_keystore),
            f"{prefix}.keystore.password": self.ssl_password,
            f"{prefix}.key.password": self.ssl_password,
            f"{prefix}.truststore.type": "PKCS12",
            f"{prefix}.truststore.location": str(self.ssl_truststore),
            f"{prefix}.truststore.password": self.ssl_password,
            f"{prefix}.client.auth": client_auth,
        }

    def _java_cmd(self, main: str, *args: str) -> list[str]:
        java = shutil.which("java")
        if java is None:
            raise BrokerError(
                "Java 17+ is needed to run the Kafka broker; install it (Debian: openjdk-17-jre-headless)"
            )
        return [
            java,
            f"-Xmx{self.heap}",
            f"-Xms{self.heap}",
            "-XX:+UseG1GC",
            f"-Dlog4j2.configurationFile={self.run_dir / 'log4j2.properties'}",
            "-cp",
            f"{self.jars}/*",
            main,
            *args,
        ]

    def _java(self, main: str, *args: str, check: bool) -> None:
        result = subprocess.run(self._java_cmd(main, *args), capture_output=True, text=True)
        if check and result.returncode != 0:
            raise BrokerError(f"{main} failed: {result.stdout[-2000:]}{result.stderr[-2000:]}")
