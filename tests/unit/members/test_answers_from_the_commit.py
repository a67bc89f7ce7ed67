"""Every members command answers from what its own transaction wrote: the database going away right
after the commit cannot turn a member changed, or a place created, into an error."""

from __future__ import annotations

from jifen.caller import ADMIN, VOLUNTEER, Grant
from services.members.domain.member import ACTIVE, DEACTIVATED
from services.members.service import directory, members
from services.members.service.commands import (
    AddOrganizationMember,
    CreateCommunity,
    CreateGrid,
    CreateOrganization,
    CreateStreet,
    DeactivateMember,
    ReactivateMember,
    SetRoles,
    UpdateMember,
)
from tests.unit.runtime_fakes import GoneAfterCommit


def test_changes_to_a_member_are_answered_from_the_commit(uow, place, volunteer):
    admin = place.admin_of(place.home)
    renamed = UpdateMember("u1", admin, volunteer.id, ("name",), name="王秀英")
    assert members.update_member(renamed, GoneAfterCommit(uow)).name == "王秀英"

    grants = (Grant(VOLUNTEER), Grant(ADMIN, community_id=place.home.id))
    promoted = members.set_roles(SetRoles("r1", admin, volunteer.id, grants), GoneAfterCommit(uow))
    assert {g.role for g in promoted.grants} == {VOLUNTEER, ADMIN}

    stopped = DeactivateMember("d1", admin, volunteer.id, "搬离社区")
    assert members.deactivate_member(stopped, GoneAfterCommit(uow)).status == DEACTIVATED
    again = ReactivateMember("a1", admin, volunteer.id)
    assert members.reactivate_member(again, GoneAfterCommit(uow)).status == ACTIVE


def test_places_and_organisations_are_answered_from_the_commit(uow, place, volunteer):
    admin = place.street_admin
    street = directory.create_street(CreateStreet("s1", admin, "雁北街道"), GoneAfterCommit(uow))
    assert street.name == "雁北街道"
    community = directory.create_community(
        CreateCommunity("c1", admin, place.street.id, "新城社区"), GoneAfterCommit(uow)
    )
    assert community.name == "新城社区"
    grid = directory.create_grid(CreateGrid("g1", admin, community.id, "第一网格"), GoneAfterCommit(uow))
    assert (grid.name, grid.community_id) == ("第一网格", community.id)
    organization = directory.create_organization(
        CreateOrganization("o1", admin, "安居供热站", "partner_unit", community_id=place.home.id),
        GoneAfterCommit(uow),
    )
    assert organization.name == "安居供热站"
    joined_org, joined = directory.add_organization_member(
        AddOrganizationMember("m1", admin, organization.id, volunteer.id), GoneAfterCommit(uow)
    )
    assert (joined_org.id, joined.id) == (organization.id, volunteer.id)
    assert joined.organization_ids == (organization.id,)
