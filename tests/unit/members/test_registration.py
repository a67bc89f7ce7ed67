import pytest

from jifen.errors import AlreadyExists, InvalidArgument
from services.members.service import registration
from services.members.service.commands import CreateAdmin
from tests.unit.runtime_fakes import GoneAfterCommit

from .conftest import register


def test_a_volunteer_registers_into_a_community_and_grid(uow, passwords, place):
    member = register(uow, passwords, place)
    assert (member.name, member.community_id, member.street_id, member.grid_id) == (
        "王秀兰",
        place.home.id,
        place.street.id,
        place.grid.id,
    )
    assert [g.role for g in member.grants] == ["volunteer"]
    assert uow.event_types == ["member.registered"]
    assert member.password_hash != "secret-123"


def test_a_second_registration_with_the_same_phone_is_refused(uow, passwords, place):
    register(uow, passwords, place)
    # Only the community's admin is told why (a stranger hears nothing: see test_registration_abuse).
    with pytest.raises(AlreadyExists) as err:
        register(uow, passwords, place, request_id="r2", name="别人", actor=place.admin_of(place.home))
    assert err.value.field == "phone"
    assert len(uow.members.rows) == 1


def test_a_retry_with_the_same_request_id_returns_the_same_member_once(uow, passwords, place):
    first = register(uow, passwords, place)
    again = register(uow, passwords, place)
    assert again.id == first.id
    assert len(uow.members.rows) == 1 and uow.event_types == ["member.registered"]


def test_the_same_request_id_for_a_different_request_is_refused(uow, passwords, place):
    register(uow, passwords, place)
    with pytest.raises(AlreadyExists) as err:
        register(uow, passwords, place, name="李建国", phone="13800000012")
    assert err.value.field == "request_id"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"phone": "12345"}, "phone"),
        ({"password": "short"}, "password"),
        ({"community_id": "nowhere"}, "community_id"),
        ({"grid_id": "gr-b1"}, "grid_id"),
        ({"request_id": ""}, "request_id"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(uow, passwords, place, changes, field):
    with pytest.raises(InvalidArgument) as err:
        register(uow, passwords, place, **changes)
    assert err.value.field == field
    assert uow.members.rows == {} and uow.outbox.events == []


def test_the_first_admin_creates_the_street_and_administers_it(uow, passwords):
    admin = registration.create_admin(
        CreateAdmin(name="周海燕", phone="13800000000", street_name="雁南街道", password="secret-123"),
        uow,
        passwords,
    )
    street = uow.directory.street_by_name("雁南街道")
    assert admin.caller().administers_street(street.id)


def test_registration_answers_with_the_member_even_when_the_database_goes_away_after_the_commit(
    uow, passwords, place
):
    member = register(GoneAfterCommit(uow), passwords, place)
    assert (member.name, member.phone, member.community_id) == ("王秀兰", "13800000011", place.home.id)
    assert uow.members.rows[member.id].name == "王秀兰"
    # A retry of the same request answers the same member (from the record, in one transaction).
    assert register(uow, passwords, place).id == member.id
