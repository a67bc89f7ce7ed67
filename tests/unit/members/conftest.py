from __future__ import annotations

import fakeredis
import pytest

from jifen.caller import ADMIN, Caller, Grant
from jifen.rate_limit import FailureLimiter
from services.members.domain.directory import Community, Grid, Street
from services.members.service import registration
from services.members.service.commands import RegisterVolunteer

from .fakes import FakePasswords, FakeTokens, FakeUnitOfWork


class Place:
    """A street with two communities, each with one grid."""

    def __init__(self, uow: FakeUnitOfWork):
        self.street = Street("st-1", "雁南街道")
        self.home = Community("co-a", "st-1", "张苏滩社区")
        self.other = Community("co-b", "st-1", "天庆嘉园社区")
        self.grid = Grid("gr-a1", "co-a", "第一网格")
        self.other_grid = Grid("gr-b1", "co-b", "第一网格")
        uow.directory.add_street(self.street)
        for c in (self.home, self.other):
            uow.directory.add_community(c)
        for g in (self.grid, self.other_grid):
            uow.directory.add_grid(g)

    def admin_of(self, community: Community) -> Caller:
        return Caller(
            member_id=f"admin-{community.id}",
            grants=(Grant(ADMIN, community_id=community.id),),
            community_id=community.id,
            street_id=community.street_id,
        )

    @property
    def street_admin(self) -> Caller:
        return Caller(
            member_id="admin-street",
            grants=(Grant(ADMIN, street_id=self.street.id),),
            street_id=self.street.id,
        )


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def place(uow) -> Place:
    return Place(uow)


@pytest.fixture
def passwords() -> FakePasswords:
    return FakePasswords()


@pytest.fixture
def limiter() -> FailureLimiter:
    return FailureLimiter(
        fakeredis.FakeRedis(decode_responses=True), "login", max_failures=5, window_seconds=900
    )


@pytest.fixture
def tokens() -> FakeTokens:
    return FakeTokens()


def register(uow, passwords, place, **changes):
    """Registers 王秀兰 into the home community's grid, with any field changed."""
    fields = dict(
        request_id="r1",
        name="王秀兰",
        phone="13800000011",
        password="secret-123",
        community_id=place.home.id,
        grid_id=place.grid.id,
    )
    fields.update(changes)
    return registration.register_volunteer(RegisterVolunteer(**fields), uow, passwords)


@pytest.fixture
def volunteer(uow, passwords, place):
    return register(uow, passwords, place)
