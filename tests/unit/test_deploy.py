"""The production compose file, read as an attacker who got into one container would read it."""

from __future__ import annotations

import re
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from jifen.service_token import CALLERS

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
SERVICES = ("members", "points", "market", "gateway")
SIGNING_KEY = "signing-key"


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def jifen_containers() -> dict[str, dict]:
    return {name: c for name, c in compose()["services"].items() if "build" in c}


def owner(container: str) -> str:
    """The service a container belongs to, by its name (members-api -> members, gateway -> gateway)."""
    return container.split("-")[0]


def mounts(container: dict) -> dict[str, str]:
    """Volume name -> how it is mounted ("ro" or "rw")."""
    found = {}
    for volume in container.get("volumes", []):
        source, _, rest = volume.partition(":")
        found[source] = "ro" if rest.endswith(":ro") else "rw"
    return found


def test_every_jifen_container_belongs_to_a_service():
    assert {owner(name) for name in jifen_containers()} == set(SERVICES)


def test_only_members_containers_mount_the_private_signing_key():
    holders = {name for name, c in jifen_containers().items() if SIGNING_KEY in mounts(c)}
    services = compose()["services"]
    others = {name for name, c in services.items() if "build" not in c and SIGNING_KEY in mounts(c)}
    assert {owner(name) for name in holders} == {"members"}
    assert others == set()
    # The api signs with it, read-only; only the key holder writes it.
    writers = {name for name in holders if mounts(services[name])[SIGNING_KEY] == "rw"}
    assert writers == {"members-keys"}


def test_the_private_key_file_is_named_only_where_it_is_mounted():
    for name, container in jifen_containers().items():
        named = "JIFEN_TOKEN_PRIVATE_KEY_FILE" in (container.get("environment") or {})
        assert named == (SIGNING_KEY in mounts(container)), name


def test_each_service_token_is_mounted_only_into_the_service_that_sends_it():
    for name, container in compose()["services"].items():
        for volume, mode in mounts(container).items():
            if not volume.endswith("-token"):
                continue
            service = volume.removesuffix("-token")
            assert service in CALLERS, volume
            if name == "members-keys":
                continue  # writes and rotates them all
            assert owner(name) == service, f"{name} mounts {volume}"
            assert mode == "ro", f"{name} may write {volume}"


def test_every_service_that_calls_another_has_its_token_in_its_api():
    for service in CALLERS:
        api = "gateway" if service == "gateway" else f"{service}-api"
        assert f"{service}-token" in mounts(jifen_containers()[api])


def test_each_service_runs_as_its_own_user():
    for name, container in jifen_containers().items():
        assert container.get("user") == f"jifen-{owner(name)}", name
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    for service in SERVICES:
        assert f"{service}:" in dockerfile and "useradd" in dockerfile


def test_each_service_sees_only_its_own_database_as_its_own_role():
    for name, container in jifen_containers().items():
        urls = {k: v for k, v in (container.get("environment") or {}).items() if k.endswith("_DB_URL")}
        service = owner(name)
        if name in ("gateway", "members-keys"):
            assert urls == {}, name
            continue
        assert list(urls) == [f"JIFEN_{service.upper()}_DB_URL"], name
        assert urls[f"JIFEN_{service.upper()}_DB_URL"].startswith(
            f"postgresql+psycopg2://jifen_{service}:"
        ), name


def test_the_database_init_gives_each_service_a_role_owning_its_database_alone():
    sql = (DEPLOY / "postgres-init.sql").read_text()
    for service in ("members", "points", "market"):
        assert f"CREATE ROLE jifen_{service} LOGIN PASSWORD :'{service}_password';" in sql
        assert f"CREATE DATABASE {service} OWNER jifen_{service};" in sql
        assert f"REVOKE ALL ON DATABASE {service} FROM PUBLIC;" in sql
    assert "SUPERUSER" not in sql.upper().replace("THE SUPERUSER", "")


def test_no_password_has_a_default():
    text = COMPOSE.read_text()
    variables = re.findall(r"\$\{([^}]*)\}", text)
    assert variables
    assert [v for v in variables if not re.fullmatch(r"[A-Z_]+:\?.+", v)] == []
    for known in ("guest", "//postgres:", ":jifen@", "POSTGRES_PASSWORD: jifen"):
        assert known not in text
    services = compose()["services"]
    assert "--requirepass" in services["redis"]["command"]
    assert services["rabbitmq"]["environment"]["RABBITMQ_DEFAULT_PASS"].startswith("${RABBITMQ_PASSWORD:?")
    for url_key in ("JIFEN_REDIS_URL", "JIFEN_AMQP_URL"):
        assert "${" in compose()["x-env"][url_key]


def test_make_env_writes_every_secret_the_compose_file_asks_for_privately(tmp_path):
    out = tmp_path / ".env"
    subprocess.run([str(DEPLOY / "make-env.sh"), str(out)], check=True, capture_output=True)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    values = dict(line.split("=", 1) for line in out.read_text().splitlines() if not line.startswith("#"))
    asked = {v.split(":?")[0] for v in re.findall(r"\$\{([^}]*)\}", COMPOSE.read_text())}
    assert set(values) == asked
    assert all(len(v) >= 32 for v in values.values())
    assert len(set(values.values())) == len(values)
    # Never over an existing one: the databases keep the passwords they were created with.
    again = subprocess.run([str(DEPLOY / "make-env.sh"), str(out)], capture_output=True)
    assert again.returncode != 0


@pytest.mark.parametrize("ignored", [".env", "deploy/.env"])
def test_the_generated_env_file_is_never_committed(ignored):
    root = DEPLOY.parent
    result = subprocess.run(["git", "check-ignore", "-q", ignored], cwd=root)
    assert result.returncode == 0
