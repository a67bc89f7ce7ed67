"""One settings object, read only from JIFEN_* environment variables.

The defaults are the embedded system: SQLite files under the data folder, an in-memory
Redis stand-in and the in-process event bus. Production sets the *_DB_URL, REDIS_URL and
AMQP_URL variables (see deploy/).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES = ("members", "points", "market")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIFEN_", extra="ignore")

    data_dir: Path = Path(".jifen")
    members_db_url: str = ""
    points_db_url: str = ""
    market_db_url: str = ""
    # "memory://" is the in-process stand-in used by the embedded system.
    redis_url: str = "memory://"
    # Prefix of every Redis key, so several deployments (or test runs) can share one server.
    redis_namespace: str = "jifen"
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"

    # Where each api listens, and where its clients find it.
    members_bind: str = "127.0.0.1:50051"
    points_bind: str = "127.0.0.1:50052"
    market_bind: str = "127.0.0.1:50053"
    members_target: str = "127.0.0.1:50051"
    points_target: str = "127.0.0.1:50052"
    market_target: str = "127.0.0.1:50053"
    grpc_workers: int = 16
    # Server reflection lists every service and method to anyone who can reach an api port. Off unless
    # asked for; `jifen up` turns it on for a developer's grpcurl (see embedded_defaults).
    grpc_reflection: bool = False
    # The web app (gateway): where it listens, and which proxies may tell it the client's address.
    gateway_bind: str = "127.0.0.1:8000"
    gateway_forwarded_allow_ips: str = "127.0.0.1"

    # Ed25519 keys: only members holds the private key; every service verifies with the public key.
    token_private_key_file: Path | None = None
    token_public_key_file: Path | None = None
    # The market's pickup-code and QR keys (current, then previous), made by `jifen keys`; only the
    # market api reads it. Empty: pickup.keys beside the public key, where `jifen keys` writes it.
    pickup_key_file: Path | None = None
    # An access token carries the member's roles: a role taken away still works in points and the
    # market until the token expires. A refresh token renews it (RefreshToken) and works once.
    token_ttl_minutes: int = 15
    refresh_token_ttl_days: int = 30

    login_max_failures: int = 5
    # Every attempt from one client address (a community centre's PC serves many people).
    login_max_attempts_per_client: int = 100
    login_window_seconds: int = 15 * 60
    # Self-registrations from one client address per window (each costs an argon2 hash). Admins
    # registering residents at the desk are not counted.
    registration_max_per_client: int = 20
    registration_window_seconds: int = 60 * 60

    outbox_interval_seconds: float = 0.5
    outbox_lease_seconds: int = 30
    outbox_batch_size: int = 100

    # Points: how long one rotating check-in code lasts; how often the worker expires lots and
    # releases holds past their deadline.
    check_in_code_seconds: int = 60
    # Points: wrong check-in codes allowed per member (across activities) and per activity (across
    # its members) in a window; the QR's signed token cannot be guessed and is not counted.
    check_in_code_max_failures: int = 5
    check_in_code_max_failures_per_activity: int = 30
    check_in_code_window_seconds: int = 15 * 60
    points_job_interval_seconds: float = 60.0
    # Points: how far past the server's clock an hour record may end, for an organiser's PC or
    # phone whose clock runs a little fast; anything later is time not yet served.
    hours_clock_skew_minutes: int = 5

    # Market: how long a volunteer has to collect an order; when a saga step left in "reserving"
    # counts as abandoned (a crash) and the sweeper finishes or compensates it; how often the
    # worker sweeps and expires; pickup-code attempts allowed per staff member, and per shop (all its
    # staff together), within a window (only a real hand-over clears them).
    pickup_window_hours: int = 7 * 24
    saga_timeout_seconds: int = 30
    market_job_interval_seconds: float = 15.0
    pickup_code_max_failures: int = 5
    pickup_code_max_failures_per_shop: int = 20
    # Market: 代兑换 orders a grid worker may place for one volunteer in a week (Monday to Sunday).
    proxy_redemptions_per_week: int = 3
    pickup_code_window_seconds: int = 10 * 60
    # Calls to another service give up after this; the saga then compensates or leaves it to the sweeper.
    call_timeout_seconds: float = 5.0
    # The token this process shows other services. Empty (the norm): read the service's token file,
    # re-read whenever `jifen keys --rotate-every` rewrites it, or mint one where the private key is
    # at hand. A token set here (`jifen token service market`) is never rotated.
    service_token: str = ""
    # Service tokens live this long; the rotation rewrites them at a third of it.
    service_token_ttl_minutes: int = 12 * 60
    # Where the service token files are: <dir>/<service>/token.jwt, so each service's folder can be
    # mounted into that service alone. Empty: keys/service-<service>.jwt beside the public key.
    service_token_dir: Path | None = None
    # Mutual TLS between the services (a deployment option): this process's certificate and key,
    # and the CA that signed every service's certificate. Set all three, in every process, or none.
    tls_cert_file: Path | None = None
    tls_key_file: Path | None = None
    tls_ca_file: Path | None = None
    # The audits compare every member against points' accounts and the market's copies; a member
    # registered within this many seconds may still have their member.registered on its way.
    audit_grace_seconds: int = 60

    log_level: str = "INFO"

    def db_url(self, service: str) -> str:
        url = getattr(self, f"{service}_db_url")
        return url or f"sqlite:///{self.data_dir / (service + '.db')}"

    def bind(self, service: str) -> str:
        return getattr(self, f"{service}_bind")

    def target(self, service: str) -> str:
        return getattr(self, f"{service}_target")

    @property
    def private_key_path(self) -> Path:
        return self.token_private_key_file or self.data_dir / "keys" / "token_ed25519.pem"

    @property
    def public_key_path(self) -> Path:
        return self.token_public_key_file or self.data_dir / "keys" / "token_ed25519.pub.pem"

    @property
    def pickup_key_path(self) -> Path:
        return self.pickup_key_file or self.public_key_path.parent / "pickup.keys"

    def service_token_path(self, service: str) -> Path:
        if self.service_token_dir:
            return self.service_token_dir / service / "token.jwt"
        return self.public_key_path.parent / f"service-{service}.jwt"

    @property
    def tls(self) -> bool:
        files = (self.tls_cert_file, self.tls_key_file, self.tls_ca_file)
        if any(files) and not all(files):
            raise ValueError("mutual TLS needs JIFEN_TLS_CERT_FILE, JIFEN_TLS_KEY_FILE and JIFEN_TLS_CA_FILE")
        return all(files)


def embedded_defaults(settings: Settings) -> Settings:
    """`jifen up` on a developer's machine: reflection on, unless JIFEN_GRPC_REFLECTION says otherwise."""
    if "grpc_reflection" in settings.model_fields_set:
        return settings
    return settings.model_copy(update={"grpc_reflection": True})


@lru_cache
def get_settings() -> Settings:
    return Settings()
