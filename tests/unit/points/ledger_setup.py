"""A small town for ledger tests: one street, two communities, an admin of each, some volunteers."""

from __future__ import annotations

from datetime import timedelta

from jifen.caller import GRID_WORKER, Caller, Grant
from services.points.domain.ledger import Account
from services.points.domain.people import ACTIVE, CommunityCopy, MemberCopy
from services.points.service.ledger import awards, holds
from services.points.service.ledger.commands import Adjust, Award, CaptureHold, PlaceHold, ReleaseHold

# The same street, moment and clock as the rules tests; the ledger tests import them from here too.
from .fake_rules import HOME, NOW, OTHER, Clock, admin_of  # noqa: F401
from .fakes import FakeUnitOfWork

MARKET = Caller(service="market")


def grid_worker(grid_id: str) -> Caller:
    return Caller(member_id=f"gw-{grid_id}", grants=(Grant(GRID_WORKER, grid_id=grid_id),))


def volunteer(
    uow: FakeUnitOfWork, member_id: str, community: CommunityCopy = HOME, grid: str = "gr-1"
) -> Caller:
    uow.people.put_community(community)
    uow.people.put_member(
        MemberCopy(member_id, f"志愿者{member_id}", community.id, community.street_id, grid, ACTIVE, NOW)
    )
    uow.ledger.open(Account(member_id=member_id, community_id=community.id), NOW)
    return Caller(member_id=member_id)


def give(uow, member_id: str, points: int, request_id: str, clock=Clock()) -> None:
    awards.award(Award(request_id, admin_of(HOME), member_id, points, "测试奖励"), uow, clock)


def take(uow, member_id: str, points: int, request_id: str, clock=Clock()) -> None:
    awards.adjust(Adjust(request_id, admin_of(HOME), member_id, -points, "更正"), uow, clock)


def hold(uow, hold_id: str, member_id: str, amount: int, clock=Clock(), days: int = 7):
    deadline = clock() + timedelta(days=days)
    cmd = PlaceHold(f"h-{hold_id}", MARKET, hold_id, member_id, amount, deadline, "兑换 大米 5kg ×1")
    return holds.place_hold(cmd, uow, clock)


def capture(uow, hold_id: str, clock=Clock()):
    return holds.capture(CaptureHold(f"c-{hold_id}", MARKET, hold_id), uow, clock)


def release(uow, hold_id: str, clock=Clock(), reason: str = "会员取消"):
    return holds.release(ReleaseHold(f"r-{hold_id}", MARKET, hold_id, reason), uow, clock)
