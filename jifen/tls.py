"""Mutual TLS between the services, a deployment option: grpcio's own credentials, from JIFEN_TLS_* files.

Every api then requires a client certificate signed by the deployment's CA, and every client checks
the api's certificate against the same CA (its name must match the target's host, e.g. points-api).
Without the three settings the services speak plain gRPC, which is only fit for a private network.
"""

from __future__ import annotations

import grpc

from jifen.settings import Settings


def server_credentials(settings: Settings) -> grpc.ServerCredentials | None:
    if not settings.tls:
        return None
    return grpc.ssl_server_credentials(
        [(settings.tls_key_file.read_bytes(), settings.tls_cert_file.read_bytes())],
        root_certificates=settings.tls_ca_file.read_bytes(),
        require_client_auth=True,
    )


def channel_credentials(settings: Settings | None = None) -> grpc.ChannelCredentials | None:
    settings = settings or Settings()
    if not settings.tls:
        return None
    return grpc.ssl_channel_credentials(
        root_certificates=settings.tls_ca_file.read_bytes(),
        private_key=settings.tls_key_file.read_bytes(),
        certificate_chain=settings.tls_cert_file.read_bytes(),
    )
