import pytest

from jifen.caller import GRID_WORKER, VOLUNTEER, Grant
from jifen.errors import PermissionDenied
from services.members.domain.role_change import DEACTIVATED, REACTIVATED, ROLES_SET
from services.members.service import members, role_history
from services.members.service.commands import DeactivateMember, ListRoleChanges, ReactivateMember, SetRoles


def history(uow, actor, **fields):
    found, _ = role_history.list_role_changes(ListRoleChanges(actor, **fields), uow)
    return found


def test_setting_roles_deactivating_and_reactivating_each_leave_one_line_of_history(uow, place, volunteer):
    admin = place.admin_of(place.home)
    worker = Grant(GRID_WORKER, grid_id=place.grid.id)
    members.set_roles(SetRoles("s1", admin, volunteer.id, (Grant(VOLUNTEER), worker)), uow)
    members.deactivate_member(DeactivateMember("d1", admin, volunteer.id, "搬离社区"), uow)
    members.reactivate_member(ReactivateMember("a1", admin, volunteer.id, "搬回来了"), uow)
    # A replay changes nothing, in the history either.
    members.set_roles(SetRoles("s1", admin, volunteer.id, (Grant(VOLUNTEER), worker)), uow)

    found = history(uow, admin)

    assert [(c.kind, c.actor_id, c.member_id, c.reason) for c in found] == [
        (REACTIVATED, admin.member_id, volunteer.id, "搬回来了"),
        (DEACTIVATED, admin.member_id, volunteer.id, "搬离社区"),
        (ROLES_SET, admin.member_id, volunteer.id, ""),
    ]
    assert found[-1].roles_before == (Grant(VOLUNTEER),)
    assert set(found[-1].roles_after) == {Grant(VOLUNTEER), worker}


def test_a_refused_change_writes_no_history_and_another_community_reads_none(uow, place, volunteer):
    with pytest.raises(PermissionDenied):
        members.deactivate_member(DeactivateMember("d1", place.admin_of(place.other), volunteer.id, "x"), uow)
    members.deactivate_member(DeactivateMember("d2", place.admin_of(place.home), volunteer.id, "搬离"), uow)

    assert len(history(uow, place.street_admin, community_id=place.home.id)) == 1
    with pytest.raises(PermissionDenied):
        history(uow, place.admin_of(place.other), community_id=place.home.id)
    assert history(uow, place.admin_of(place.other)) == []
