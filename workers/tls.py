"""Throw-away TLS material for a local broker and its clients, made with the JDK's `keytool`.

`CertificateAuthority.create` makes a self-signed CA (PKCS12 keystore plus its certificate
as PEM, the form `EVENTWIRE_SSL_CAFILE` takes). `broker_stores` makes what an SSL listener
of `LocalBroker` needs: a PKCS12 keystore holding a key pair signed by the CA (SAN
IP:127.0.0.1 and DNS:localhost) and a PKCS12 truststore holding the CA. `client_pem` makes
a client certificate and key as PEM for mutual TLS; keytool cannot export a private key, so
that one step needs `openssl`. Nothing is downloaded and no Python package is needed.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from workers.errors import EventwireError

BROKER_SAN = "IP:127.0.0.1,DNS:localhost"
VALIDITY_DAYS = "2"
KEY = ("-keyalg", "EC", "-groupname", "secp256r1")  # P-256: generated in a blink, unlike RSA
FAST_JVM = ("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC")  # keytool runs briefly, ~10 times


class TlsError(EventwireError):
    """A certificate or store could not be made."""


@cache  # one lookup, not one per keytool run
def java_tool(name: str) -> str:
    """`name` (keytool, ...) next to the `java` on the PATH, the one `LocalBroker` runs."""
    java = shutil.which("java")
    candidate = Path(java).resolve().parent / name if java else None
    if candidate is not None and candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise TlsError(f"{name} not found next to java or on the PATH (it ships with the JDK/JRE 17)")
    return found


def _run(*cmd: str) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise TlsError(f"{Path(cmd[0]).name} {cmd[1]} failed: {result.stdout[-1500:]}{result.stderr[-1500:]}")


def _keytool(*args: str) -> None:
    _run(java_tool("keytool"), *FAST_JVM, *args)


@dataclass(frozen=True)
class CertificateAuthority:
    """A CA whose key lives in `keystore` (alias `ca`); `pem` is its certificate."""

    keystore: Path
    pem: Path
    password: str = field(repr=False)

    @classmethod
    def create(cls, folder: Path, name: str = "eventwire test CA", password: str = "changeit") -> CertificateAuthority:
        folder.mkdir(parents=True, exist_ok=True)
        ca = cls(folder / "ca.p12", folder / "ca.pem", password)
        _keytool(
            "-genkeypair",
            "-alias",
            "ca",
            "-dname",
            f"CN={name}",
            *KEY,
            "-validity",
            VALIDITY_DAYS,
            "-ext",
            "bc:c=ca:true",
            "-ext",
            "ku:c=keyCertSign,cRLSign",
            "-keystore",
            str(ca.keystore),
            "-storetype",
            "PKCS12",
            "-storepass",
            password,
        )
        _keytool(
            "-exportcert",
            "-rfc",
            "-alias",
            "ca",
            "-keystore",
            str(ca.keystore),
            "-storepass",
            password,
            "-file",
            str(ca.pem),
        )
        return ca

    def issue(self, keystore: Path, common_name: str, san: str = BROKER_SAN) -> None:
        """A new PKCS12 `keystore` (same password) holding a key pair for `common_name` signed by this CA."""
        store = ["-keystore", str(keystore), "-storetype", "PKCS12", "-storepass", self.password]
        csr, signed = keystore.with_suffix(".csr"), keystore.with_suffix(".crt")  # .crt: PEM
        _keytool(
            "-genkeypair", "-alias", "key", "-dname", f"CN={common_name}", *KEY, "-validity", VALIDITY_DAYS, *store
        )
        _keytool("-certreq", "-alias", "key", "-file", str(csr), *store)
        _keytool(
            "-gencert",
            "-alias",
            "ca",
            "-keystore",
            str(self.keystore),
            "-storepass",
            self.password,
            "-infile",
            str(csr),
            "-outfile",
            str(signed),
            "-rfc",
            "-validity",
            VALIDITY_DAYS,
            "-ext",
            f"SAN={san}",
            "-ext",
            "ku:c=digitalSignature",
            "-ext",
            "eku=serverAuth,clientAuth",
        )
        _keytool("-importcert", "-alias", "ca", "-file", str(self.pem), "-noprompt", *store)
        _keytool("-importcert", "-alias", "key", "-file", str(signed), *store)  # chain: key <- ca

    def truststore(self, path: Path) -> Path:
        """A PKCS12 truststore (same password) holding only this CA's certificate."""
        _keytool(
            "-importcert",
            "-alias",
            "ca",
            "-file",
            str(self.pem),
            "-noprompt",
            "-keystore",
            str(path),
            "-storetype",
            "PKCS12",
            "-storepass",
            self.password,
        )
        return path


@dataclass(frozen=True)
class BrokerStores:
    """What `LocalBroker(ssl_port=…)` needs, and the CA certificate the clients trust."""

    keystore: Path
    truststore: Path
    ca_pem: Path
    password: str = field(repr=False)

    def broker_options(self) -> dict[str, object]:
        """Keyword arguments of `LocalBroker` for these stores."""
        return {"ssl_keystore": self.keystore, "ssl_truststore": self.truststore, "ssl_password": self.password}


def broker_stores(folder: Path, ca: CertificateAuthority | None = None) -> BrokerStores:
    """A broker keystore and truststore in `folder`, signed by `ca` (a new one in `folder/ca` if None)."""
    ca = ca or CertificateAuthority.create(folder / "ca")
    folder.mkdir(parents=True, exist_ok=True)
    ca.issue(folder / "broker.p12", "localhost")
    return BrokerStores(folder / "broker.p12", ca.truststore(folder / "truststore.p12"), ca.pem, ca.password)


def client_pem(folder: Path, ca: CertificateAuthority, name: str = "eventwire-client") -> tuple[Path, Path]:
    """(certificate, unencrypted private key) as PEM for mutual TLS, signed by `ca`. Needs `openssl`."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise TlsError("openssl is needed to export a client key as PEM (keytool cannot)")
    folder.mkdir(parents=True, exist_ok=True)
    store, key = folder / f"{name}.p12", folder / f"{name}.key"
    ca.issue(store, name, san=f"DNS:{name}")
    _run(openssl, "pkcs12", "-in", str(store), "-nocerts", "-nodes", "-passin", f"pass:{ca.password}", "-out", str(key))
    return store.with_suffix(".crt"), key
