import pytest

from jifen.caller import ADMIN, GRID_WORKER, STAFF, VOLUNTEER, Caller, Grant
from jifen.errors import FailedPrecondition, InvalidArgument, PermissionDenied, Unauthenticated
from services.members.service import members
from services.members.service.commands import (
    ChangePassword,
    DeactivateMember,
    ListMembers,
    ReactivateMember,
    SetRoles,
    UpdateMember,
)

from .conftest import register


def test_a_volunteer_sees_themself_but_not_others(uow, passwords, place, volunteer):
    me = volunteer.caller()
    assert members.get_member(me, volunteer.id, uow).id == volunteer.id
    other = register(uow, passwords, place, request_id="r2", name="李建国", phone="13800000012")
    with pytest.raises(PermissionDenied):
        members.get_member(me, other.id, uow)


def test_an_admin_of_another_community_cannot_deactivate(uow, place, volunteer):
    with pytest.raises(PermissionDenied):
        members.deactivate_member(DeactivateMember("d1", place.admin_of(place.other), volunteer.id, "x"), uow)
    assert uow.members.get(volunteer.id).active


def test_the_street_admin_deactivates_and_reactivates_anyone_in_the_street(uow, place, volunteer):
    gone = members.deactivate_member(
        DeactivateMember("d1", place.street_admin, volunteer.id, "搬离社区"), uow
    )
    assert gone.status == "deactivated"
    with pytest.raises(FailedPrecondition):
        members.deactivate_member(DeactivateMember("d2", place.street_admin, volunteer.id, "again"), uow)
    back = members.reactivate_member(ReactivateMember("a1", place.street_admin, volunteer.id), uow)
    assert back.active
    assert uow.event_types[-2:] == ["member.deactivated", "member.reactivated"]


def test_a_volunteer_changes_their_own_name_but_not_their_community(uow, place, volunteer):
    me = volunteer.caller()
    renamed = members.update_member(UpdateMember("u1", me, volunteer.id, ("name",), name="王秀英"), uow)
    assert renamed.name == "王秀英"
    with pytest.raises(PermissionDenied):
        members.update_member(
            UpdateMember("u2", me, volunteer.id, ("community_id",), community_id=place.other.id), uow
        )


def test_moving_a_member_needs_an_admin_of_the_new_community_too(uow, place, volunteer):
    with pytest.raises(PermissionDenied):
        members.update_member(
            UpdateMember(
                "u1", place.admin_of(place.home), volunteer.id, ("community_id",), community_id=place.other.id
            ),
            uow,
        )
    moved = members.update_member(
        UpdateMember(
            "u2",
            place.street_admin,
            volunteer.id,
            ("community_id", "grid_id"),
            community_id=place.other.id,
            grid_id=place.other_grid.id,
        ),
        uow,
    )
    assert (moved.community_id, moved.grid_id) == (place.other.id, place.other_grid.id)


def test_an_update_without_fields_is_refused(uow, place, volunteer):
    with pytest.raises(InvalidArgument) as err:
        members.update_member(UpdateMember("u1", volunteer.caller(), volunteer.id, ()), uow)
    assert err.value.field == "update_mask"


def test_a_community_admin_makes_staff_and_grid_workers_but_not_street_admins(uow, place, volunteer):
    admin = place.admin_of(place.home)
    roles = (Grant(VOLUNTEER), Grant(STAFF, shop_id="shop-1"), Grant(GRID_WORKER, grid_id=place.grid.id))
    updated = members.set_roles(SetRoles("s1", admin, volunteer.id, roles), uow)
    assert {g.role for g in updated.grants} == {VOLUNTEER, STAFF, GRID_WORKER}
    with pytest.raises(PermissionDenied):
        members.set_roles(
            SetRoles("s2", admin, volunteer.id, (Grant(ADMIN, street_id=place.street.id),)), uow
        )
    with pytest.raises(PermissionDenied):
        members.set_roles(
            SetRoles("s3", admin, volunteer.id, (Grant(ADMIN, community_id=place.other.id),)), uow
        )


@pytest.mark.parametrize("grant", [Grant(ADMIN), Grant(STAFF), Grant(GRID_WORKER), Grant("mayor")])
def test_a_role_without_its_place_is_refused(uow, place, volunteer, grant):
    with pytest.raises(InvalidArgument) as err:
        members.set_roles(SetRoles("s1", place.street_admin, volunteer.id, (grant,)), uow)
    assert err.value.field == "roles"


def test_a_member_changes_their_password_only_with_the_current_one(uow, passwords, limiter, volunteer):
    me = volunteer.caller()
    with pytest.raises(Unauthenticated):
        members.change_password(
            ChangePassword("p1", me, volunteer.id, "wrong-one", "brand-new-1"), uow, passwords, limiter
        )
    members.change_password(
        ChangePassword("p2", me, volunteer.id, "secret-123", "brand-new-1"), uow, passwords, limiter
    )
    assert passwords.verify(uow.members.get(volunteer.id).password_hash, "brand-new-1")


def test_admins_list_only_their_communities_and_grid_workers_their_grid(uow, passwords, place, volunteer):
    register(
        uow,
        passwords,
        place,
        request_id="r2",
        name="张桂英",
        phone="13800000013",
        community_id=place.other.id,
        grid_id="",
    )
    home_admin = place.admin_of(place.home)
    listed, _ = members.list_members(ListMembers(actor=home_admin), uow)
    assert [m.name for m in listed] == ["王秀兰"]
    assert len(members.list_members(ListMembers(actor=place.street_admin), uow)[0]) == 2
    with pytest.raises(PermissionDenied):
        members.list_members(ListMembers(actor=home_admin, community_id=place.other.id), uow)
    grid_worker = Caller(member_id="gw", grants=(Grant(GRID_WORKER, grid_id=place.grid.id),))
    assert [m.name for m in members.list_members(ListMembers(actor=grid_worker), uow)[0]] == ["王秀兰"]


def test_lists_page_through_every_member_once(uow, passwords, place):
    for i in range(5):
        register(uow, passwords, place, request_id=f"r{i}", name=f"志愿者{i}", phone=f"1380000010{i}")
    seen, token = [], ""
    while True:
        page, token = members.list_members(
            ListMembers(actor=place.street_admin, page_size=2, page_token=token), uow
        )
        seen += [m.id for m in page]
        if not token:
            break
    assert len(seen) == len(set(seen)) == 5


SWITCH = ("proxy_redemption_refused",)


def test_a_volunteer_or_their_admin_switches_proxy_redemption_off_and_the_market_hears_of_it(
    uow, place, volunteer
):
    from jifen.caller import GRID_WORKER, Caller
    from jifen.events.v1 import members_pb2 as events

    off = members.update_member(
        UpdateMember("p1", volunteer.caller(), volunteer.id, SWITCH, proxy_redemption_refused=True), uow
    )
    assert off.proxy_redemption_refused
    event_type, message = uow.outbox.events[-1]
    assert event_type == "member.updated"
    assert events.MemberUpdated.FromString(message.SerializeToString()).proxy_redemption_refused

    admin = place.admin_of(place.home)
    on = members.update_member(
        UpdateMember("p2", admin, volunteer.id, SWITCH, proxy_redemption_refused=False), uow
    )
    assert not on.proxy_redemption_refused
    worker = Caller(
        member_id="gw", grants=(Grant(GRID_WORKER, grid_id=place.grid.id),), community_id=place.home.id
    )
    with pytest.raises(PermissionDenied):
        members.update_member(
            UpdateMember("p3", worker, volunteer.id, SWITCH, proxy_redemption_refused=True), uow
        )
