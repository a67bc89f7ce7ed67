"""A database that refuses connections (PostgreSQL restarting), or Redis gone, answers UNAVAILABLE
with a plain sentence, logs no traceback, and the same calls work again as soon as it is back."""

from __future__ import annotations

import logging
from contextlib import ExitStack

import grpc
import pytest
import sqlalchemy as sa

from jifen.db import make_engine
from jifen.members.v1 import members_pb2 as m
from jifen.redis_client import connect
from services.members import bootstrap as members_bootstrap
from services.members.adapters import tables
from services.members.adapters.passwords import Argon2Passwords
from services.members.adapters.unit_of_work import MembersUnitOfWork
from services.members.service import directory, registration
from services.members.service.commands import CreateCommunity, RegisterVolunteer
from tests.conftest import free_port
from tests.members_client import PASSWORD, MembersClient, bearer, rid
from tests.servers import refusing_connections

UNAVAILABLE = grpc.StatusCode.UNAVAILABLE


def refusal(call) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.RpcError) as err:
        call()
    return err.value.code(), err.value.details()


def test_a_database_refusing_connections_answers_unavailable_until_it_is_back(town, pg_settings, caplog):
    volunteer = town.client.register("王秀兰", "13800000011", town.home.community_id)
    token = town.client.login("13800000011")
    registration = m.RegisterVolunteerRequest(
        request_id=rid(),
        name="李建国",
        phone="13800000012",
        password=PASSWORD,
        community_id=town.home.community_id,
    )
    members = town.client.members
    calls = {
        # By the admin, who is shown the member made (a stranger is shown none).
        "register": lambda *md: members.RegisterVolunteer(
            registration, metadata=[*bearer(town.admin_token), *md]
        ),
        "read": lambda *md: members.GetMember(
            m.GetMemberRequest(member_id=volunteer.member_id), metadata=[*bearer(token), *md]
        ),
        "log in": lambda *md: members.Login(
            m.LoginRequest(phone="13800000011", password=PASSWORD), metadata=md
        ),
    }
    caplog.set_level(logging.INFO)
    with refusing_connections(pg_settings.members_db_url):
        for name, call in calls.items():
            assert refusal(call) == (UNAVAILABLE, "服务暂时不可用，请稍后再试"), name
        assert refusal(lambda: calls["read"](("accept-language", "en"))) == (
            UNAVAILABLE,
            "service temporarily unavailable; try again later",
        )
    during = list(caplog.records)
    assert [r.getMessage() for r in during if r.exc_info or "Traceback" in r.getMessage()] == []
    assert len([r for r in during if r.levelno >= logging.WARNING]) == 1
    assert "the database cannot be reached" in next(r for r in during if r.levelno == logging.WARNING).message
    assert len([r for r in during if "answered UNAVAILABLE" in r.getMessage()]) == 4

    # Back: the pool's dead connections are not handed out, so the very first calls succeed.
    assert calls["register"]().member.name == "李建国"
    assert calls["read"]().member.member_id == volunteer.member_id
    assert calls["log in"]().access_token
    ended = [r.getMessage() for r in caplog.records if "succeed again" in r.getMessage()]
    assert ended == ["members: requests succeed again after 4 failed for want of the database"]


def test_redis_that_cannot_be_reached_answers_unavailable_not_internal(pg_settings, caplog):
    port = free_port()
    settings = pg_settings.model_copy(
        update={"members_bind": f"127.0.0.1:{port}", "members_target": f"127.0.0.1:{port}"}
    )
    # Nothing listens on this port: the login rate limit cannot be counted.
    app = members_bootstrap.build_api(settings, connect(f"redis://127.0.0.1:{free_port()}/0"))
    app.start()
    client = MembersClient(settings.members_target)
    caplog.set_level(logging.INFO)
    try:
        assert refusal(lambda: client.login("13800000011")) == (UNAVAILABLE, "服务暂时不可用，请稍后再试")
    finally:
        client.close()
        app.stop(0)
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "Redis cannot be reached" in warnings[0]


class OutageRightAfterCommit(MembersUnitOfWork):
    """The members database stops taking connections the moment this transaction commits."""

    def __init__(self, engine, url: str, outage: ExitStack):
        super().__init__(engine)
        self.url, self.outage = url, outage
        self.went_away = False

    def commit(self) -> None:
        super().commit()
        self.outage.enter_context(refusing_connections(self.url))
        self.went_away = True


def test_a_registration_committed_just_before_an_outage_answers_with_the_member(pg_settings):
    url = pg_settings.members_db_url
    admin = members_bootstrap.create_admin(
        pg_settings, name="周海燕", phone="13800000000", street="雁南街道", password=PASSWORD
    )
    engine = make_engine(url, pool_size=2)
    passwords = Argon2Passwords(time_cost=1, memory_cost=1024, parallelism=1)
    home = directory.create_community(
        CreateCommunity(rid(), admin.caller(), admin.street_id, "张苏滩社区"), MembersUnitOfWork(engine)
    )
    cmd = RegisterVolunteer(rid(), "王秀兰", "13800000011", home.id, password=PASSWORD)
    try:
        with ExitStack() as outage:
            uow = OutageRightAfterCommit(engine, url, outage)
            member = registration.register_volunteer(cmd, uow, passwords)
            assert uow.went_away
            assert (member.name, member.phone, member.community_id) == ("王秀兰", "13800000011", home.id)
        # Back: the client's retry with the same request id finds the same member, registered once.
        assert registration.register_volunteer(cmd, MembersUnitOfWork(engine), passwords).id == member.id
        with engine.connect() as db:
            assert db.execute(sa.select(sa.func.count()).select_from(tables.members)).scalar_one() == 2
    finally:
        engine.dispose()


def test_the_first_request_after_the_database_restarted_succeeds(town, pg_settings):
    token = town.client.login("13800000000", "secret-123")
    for _ in range(3):  # the api's pool now holds open connections
        town.client.directory.ListCommunities(m.ListCommunitiesRequest(street_id=town.street_id))
    with refusing_connections(pg_settings.members_db_url):
        pass  # a restart: every open connection is gone, new ones are welcome again
    found = town.client.directory.ListCommunities(
        m.ListCommunitiesRequest(street_id=town.street_id), metadata=bearer(token)
    )
    assert {c.name for c in found.communities} == {"张苏滩社区", "天庆嘉园社区"}
