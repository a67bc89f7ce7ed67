"""Admins act only inside their scope, and never on someone whose roles reach beyond it."""

import pytest

from jifen.caller import ADMIN, GRID_WORKER, STAFF, VOLUNTEER, Grant
from jifen.errors import PermissionDenied, ResourceExhausted, Unauthenticated
from services.members.service import directory, members
from services.members.service.commands import (
    AddOrganizationMember,
    ChangePassword,
    CreateOrganization,
    DeactivateMember,
    SetRoles,
    UpdateMember,
)

from .conftest import register


@pytest.fixture
def street_admin_at_home(uow, passwords, place, volunteer):
    """A resident of the home community who is also admin of the whole street."""
    return members.set_roles(
        SetRoles(
            "s0",
            place.street_admin,
            volunteer.id,
            (Grant(VOLUNTEER), Grant(ADMIN, street_id=place.street.id)),
        ),
        uow,
    )


def test_a_community_admin_cannot_touch_a_street_admin_living_in_their_community(
    uow, passwords, limiter, place, street_admin_at_home
):
    admin = place.admin_of(place.home)
    target = street_admin_at_home.id
    with pytest.raises(PermissionDenied):
        members.change_password(
            ChangePassword("p1", admin, target, "", "taken-over-1"), uow, passwords, limiter
        )
    with pytest.raises(PermissionDenied):
        members.deactivate_member(DeactivateMember("d1", admin, target, "夺权"), uow)
    with pytest.raises(PermissionDenied):
        members.update_member(UpdateMember("u1", admin, target, ("phone",), phone="13900000000"), uow)
    with pytest.raises(PermissionDenied):
        members.set_roles(SetRoles("s1", admin, target, (Grant(VOLUNTEER),)), uow)
    assert uow.members.get(target).active and uow.members.get(target).phone == "13800000011"


def test_a_community_admin_cannot_make_a_grid_worker_of_another_communitys_grid(uow, place, volunteer):
    with pytest.raises(PermissionDenied):
        members.set_roles(
            SetRoles(
                "s1",
                place.admin_of(place.home),
                volunteer.id,
                (Grant(GRID_WORKER, grid_id=place.other_grid.id),),
            ),
            uow,
        )


def test_a_grant_keeps_only_the_fields_of_its_role(uow, place, volunteer):
    stray = Grant(STAFF, shop_id="shop-1", street_id=place.street.id, grid_id=place.other_grid.id)
    updated = members.set_roles(SetRoles("s1", place.admin_of(place.home), volunteer.id, (stray,)), uow)
    assert updated.grants == (Grant(STAFF, shop_id="shop-1"),)


def test_adding_someone_from_outside_the_scope_to_an_organization_reveals_nothing(uow, passwords, place):
    stranger = register(
        uow, passwords, place, request_id="r9", phone="13800000019", community_id=place.other.id, grid_id=""
    )
    admin = place.admin_of(place.home)
    org = directory.create_organization(
        CreateOrganization("o1", admin, "兰房物业", "property_company", community_id=place.home.id), uow
    )
    with pytest.raises(PermissionDenied):
        directory.add_organization_member(AddOrganizationMember("a1", admin, org.id, stranger.id), uow)


def test_guessing_the_current_password_with_a_stolen_token_is_throttled(uow, passwords, limiter, volunteer):
    me = volunteer.caller()
    for i in range(limiter.max_failures):
        with pytest.raises(Unauthenticated):
            members.change_password(
                ChangePassword(f"p{i}", me, volunteer.id, f"guess-{i}", "new-pass-1"), uow, passwords, limiter
            )
    with pytest.raises(ResourceExhausted):
        members.change_password(
            ChangePassword("p-last", me, volunteer.id, "secret-123", "new-pass-1"), uow, passwords, limiter
        )
