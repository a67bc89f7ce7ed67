"""Server reflection maps every RPC for anyone who reaches a port: on for `jifen up`, off in production."""

from __future__ import annotations

from pathlib import Path

import fakeredis
import grpc
import pytest
import yaml
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from jifen.settings import Settings, embedded_defaults
from services.members import bootstrap as members_bootstrap

COMPOSE = Path(__file__).parents[2] / "deploy" / "docker-compose.yml"


def listed_services(settings: Settings) -> set[str]:
    app = members_bootstrap.build_api(settings, fakeredis.FakeRedis())
    app.start()
    try:
        with grpc.insecure_channel(settings.members_target) as channel:
            return set(ProtoReflectionDescriptorDatabase(channel).get_services())
    finally:
        app.stop(0)


def test_an_api_started_with_the_defaults_does_not_describe_itself_to_strangers(settings):
    with pytest.raises(grpc.RpcError) as err:
        listed_services(settings)
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_jifen_up_answers_reflection_so_grpcurl_list_works(settings):
    assert "jifen.members.v1.MembersService" in listed_services(embedded_defaults(settings))


def test_jifen_up_leaves_reflection_off_when_told_to(monkeypatch):
    monkeypatch.setenv("JIFEN_GRPC_REFLECTION", "false")
    assert embedded_defaults(Settings()).grpc_reflection is False


def test_the_production_compose_file_turns_reflection_off_for_every_api():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    apis = {name: s for name, s in services.items() if s.get("command", [None])[0] == "serve"}
    assert {"members-api", "points-api", "market-api"} <= set(apis)
    for name, service in apis.items():
        assert str(service["environment"].get("JIFEN_GRPC_REFLECTION", "")).lower() == "false", name
