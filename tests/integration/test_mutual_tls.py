"""Mutual TLS between the services, the deployment option: tried once for real against the members api.

A CA and certificates are made here; the api requires a client certificate of that CA.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from grpc_health.v1 import health_pb2, health_pb2_grpc

from jifen import grpc_client
from jifen.clock import utcnow
from jifen.members.v1 import members_pb2 as m
from jifen.members.v1 import members_pb2_grpc as m_grpc
from jifen.redis_client import connect
from services.members import bootstrap as members_bootstrap


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _pem_key(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


class Authority:
    """A certificate authority of a deployment, able to sign the services' certificates."""

    def __init__(self, folder: Path, name: str):
        self.folder = folder
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = utcnow()
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.ca_file = folder / f"{name}-ca.pem"
        self.ca_file.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, name: str) -> tuple[Path, Path]:
        key = ec.generate_private_key(ec.SECP256R1())
        now = utcnow()
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )
        cert_file, key_file = self.folder / f"{name}.pem", self.folder / f"{name}.key"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(_pem_key(key))
        return cert_file, key_file


@pytest.fixture
def authority(tmp_path) -> Authority:
    return Authority(tmp_path, "jifen")


@pytest.fixture
def tls_members(pg_settings, authority):
    """The members api requiring mutual TLS; yields its address."""
    cert, key = authority.issue("members-api")
    settings = pg_settings.model_copy(
        update={"tls_cert_file": cert, "tls_key_file": key, "tls_ca_file": authority.ca_file}
    )
    app = members_bootstrap.build_api(settings, connect(settings.redis_url))
    app.start()
    yield settings.members_target
    app.stop(0)


def serving(channel: grpc.Channel) -> str:
    answer = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    return health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status)


def login_code(channel: grpc.Channel) -> grpc.StatusCode:
    request = m.LoginRequest(phone="13900000000", password="x" * 8)
    with pytest.raises(grpc.RpcError) as err:
        m_grpc.MembersServiceStub(channel).Login(request, timeout=5)
    return err.value.code()


def tls_channel(target: str, ca: Path, cert: Path | None = None, key: Path | None = None) -> grpc.Channel:
    credentials = grpc.ssl_channel_credentials(
        root_certificates=ca.read_bytes(),
        private_key=key.read_bytes() if key else None,
        certificate_chain=cert.read_bytes() if cert else None,
    )
    return grpc.secure_channel(target, credentials)


def test_a_service_with_a_certificate_of_the_deployments_ca_is_answered(tls_members, authority):
    cert, key = authority.issue("points-api")
    with tls_channel(tls_members, authority.ca_file, cert, key) as channel:
        assert serving(channel) == "SERVING"
        # An answer of the members service itself: no such login, refused by the service, not the transport.
        assert login_code(channel) == grpc.StatusCode.UNAUTHENTICATED


def test_the_services_own_client_channel_speaks_mutual_tls_from_its_settings(
    tls_members, authority, monkeypatch
):
    cert, key = authority.issue("market-api")
    monkeypatch.setenv("JIFEN_TLS_CERT_FILE", str(cert))
    monkeypatch.setenv("JIFEN_TLS_KEY_FILE", str(key))
    monkeypatch.setenv("JIFEN_TLS_CA_FILE", str(authority.ca_file))
    with grpc_client.channel(tls_members) as channel:
        assert serving(channel) == "SERVING"


def test_a_plaintext_client_gets_nothing(tls_members):
    with grpc.insecure_channel(tls_members) as channel:
        assert login_code(channel) == grpc.StatusCode.UNAVAILABLE


def test_a_tls_client_without_a_certificate_gets_nothing(tls_members, authority):
    with tls_channel(tls_members, authority.ca_file) as channel:
        assert login_code(channel) == grpc.StatusCode.UNAVAILABLE


def test_a_client_certificate_of_another_ca_gets_nothing(tls_members, authority, tmp_path):
    stranger = Authority(tmp_path, "stranger")
    cert, key = stranger.issue("points-api")
    with tls_channel(tls_members, authority.ca_file, cert, key) as channel:
        assert login_code(channel) == grpc.StatusCode.UNAVAILABLE
