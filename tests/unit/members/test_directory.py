import pytest

from jifen.errors import AlreadyExists, InvalidArgument, PermissionDenied
from services.members.service import directory
from services.members.service.commands import CreateCommunity, CreateGrid, CreateOrganization, CreateStreet


def test_a_street_admin_opens_a_community_and_other_services_hear_of_it(uow, place):
    community = directory.create_community(
        CreateCommunity("c1", place.street_admin, place.street.id, "新社区"), uow
    )
    assert community.street_id == place.street.id
    assert uow.event_types == ["community.created"]


def test_a_community_admin_cannot_open_communities(uow, place):
    with pytest.raises(PermissionDenied):
        directory.create_community(
            CreateCommunity("c1", place.admin_of(place.home), place.street.id, "新社区"), uow
        )


def test_grid_names_are_unique_within_a_community(uow, place):
    with pytest.raises(AlreadyExists):
        directory.create_grid(CreateGrid("g1", place.admin_of(place.home), place.home.id, "第一网格"), uow)
    grid = directory.create_grid(CreateGrid("g2", place.admin_of(place.home), place.home.id, "第二网格"), uow)
    assert grid.community_id == place.home.id


def test_an_organization_belongs_to_a_community_or_a_street_not_both(uow, place):
    with pytest.raises(InvalidArgument):
        directory.create_organization(
            CreateOrganization(
                "o1",
                place.street_admin,
                "安居供热站",
                "partner_unit",
                community_id=place.home.id,
                street_id=place.street.id,
            ),
            uow,
        )
    org = directory.create_organization(
        CreateOrganization(
            "o2", place.admin_of(place.home), "兰房物业", "property_company", community_id=place.home.id
        ),
        uow,
    )
    assert (org.community_id, org.street_id) == (place.home.id, place.street.id)


def test_only_street_admins_open_streets(uow, place):
    with pytest.raises(PermissionDenied):
        directory.create_street(CreateStreet("s1", place.admin_of(place.home), "新街道"), uow)
    assert directory.create_street(CreateStreet("s2", place.street_admin, "新街道"), uow).name == "新街道"
