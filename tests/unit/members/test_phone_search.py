"""Searching members by phone cannot unmask a number: only those who see whole numbers match on them."""

from __future__ import annotations

from jifen.caller import GRID_WORKER, Caller, Grant
from services.members.service import members
from services.members.service.commands import ListMembers

PHONE = "13800000011"  # 王秀兰's, as the conftest registers her


def search(uow, actor, query):
    return [m.name for m in members.list_members(ListMembers(actor=actor, query=query), uow)[0]]


def grid_worker(place):
    return Caller(member_id="gw", grants=(Grant(GRID_WORKER, grid_id=place.grid.id),))


def test_a_grid_worker_searching_a_whole_phone_number_gets_nothing_confirmed(uow, place, volunteer):
    assert search(uow, grid_worker(place), PHONE) == []


def test_a_grid_worker_still_finds_a_resident_by_the_last_four_digits_a_masked_number_shows(
    uow, place, volunteer
):
    assert search(uow, grid_worker(place), PHONE[-4:]) == ["王秀兰"]


def test_an_admin_who_sees_the_whole_number_finds_the_resident_by_it(uow, place, volunteer):
    assert search(uow, place.admin_of(place.home), PHONE) == ["王秀兰"]
    assert search(uow, place.street_admin, PHONE) == ["王秀兰"]


def test_a_service_auditing_members_sees_masked_numbers_and_cannot_search_whole_ones(uow, place, volunteer):
    assert search(uow, Caller(service="points"), PHONE) == []
