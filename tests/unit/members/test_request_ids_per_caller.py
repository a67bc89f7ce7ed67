"""A request id belongs to whoever sent it: another caller with the same id gets their own result."""

from __future__ import annotations

from services.members.service import directory
from services.members.service.commands import CreateGrid


def create_grid(uow, actor, community_id, name, request_id="same-request"):
    return directory.create_grid(CreateGrid(request_id, actor, community_id, name), uow)


def test_two_admins_sending_the_same_request_id_each_get_their_own_grid(uow, place):
    first = create_grid(uow, place.admin_of(place.home), place.home.id, "第二网格")
    second = create_grid(uow, place.admin_of(place.other), place.other.id, "第二网格")
    assert first.id != second.id
    assert (first.community_id, second.community_id) == (place.home.id, place.other.id)


def test_an_admin_reusing_anothers_request_id_for_the_same_grid_does_not_get_theirs(uow, place):
    mine = create_grid(uow, place.admin_of(place.home), place.home.id, "第二网格")
    # The street admin also covers the home community: the same request, from someone else.
    theirs = create_grid(uow, place.street_admin, place.home.id, "第三网格")
    assert theirs.id != mine.id and theirs.name == "第三网格"


def test_a_callers_own_retry_still_returns_their_first_result(uow, place):
    admin = place.admin_of(place.home)
    first = create_grid(uow, admin, place.home.id, "第二网格")
    assert create_grid(uow, admin, place.home.id, "第二网格").id == first.id
    assert len(uow.directory.grids_) == 3
