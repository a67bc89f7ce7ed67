"""Public registration cannot be used to burn the server's CPU, to learn who is registered, or to join
a community that registers its people itself."""

from __future__ import annotations

import contextlib

import fakeredis
import pytest

from jifen.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
)
from jifen.rate_limit import FailureLimiter
from services.members.domain.directory import BY_ADMIN, OPEN
from services.members.service import directory, registration
from services.members.service.commands import RegisterVolunteer, SetSelfRegistration

from .fakes import FakePasswords

ADDRESS = "203.0.113.7"


class CountingPasswords(FakePasswords):
    """Counts the (in production, 64 MiB argon2) hashes a registration runs."""

    def __init__(self):
        self.hashes = 0

    def hash(self, password: str) -> str:
        self.hashes += 1
        return super().hash(password)


@pytest.fixture
def counting() -> CountingPasswords:
    return CountingPasswords()


@pytest.fixture
def clients() -> FailureLimiter:
    return FailureLimiter(fakeredis.FakeRedis(), "register-client", max_failures=3, window_seconds=3600)


def register(uow, passwords, place, clients=None, **changes):
    fields = dict(
        request_id=f"r-{changes.get('phone', '13800000011')}",
        name="王秀兰",
        phone="13800000011",
        password="secret-123",
        community_id=place.home.id,
        grid_id=place.grid.id,
        client=ADDRESS,
    )
    fields.update(changes)
    return registration.register_volunteer(RegisterVolunteer(**fields), uow, passwords, clients)


def test_a_burst_of_registrations_from_one_address_is_refused_without_hashing_a_password(
    uow, counting, place, clients
):
    for n in range(3):
        assert register(uow, counting, place, clients, phone=f"1380000010{n}") is not None
    for n in range(3, 6):
        with pytest.raises(ResourceExhausted):
            register(uow, counting, place, clients, phone=f"1380000010{n}")
    assert counting.hashes == 3
    assert len(uow.members.rows) == 3


def test_another_address_is_not_held_up_by_a_busy_one(uow, counting, place, clients):
    for n in range(4):
        with contextlib.suppress(ResourceExhausted):
            register(uow, counting, place, clients, phone=f"1380000010{n}")
    assert register(uow, counting, place, clients, phone="13800000109", client="198.51.100.2") is not None


def test_an_admin_registering_residents_at_the_desk_is_not_throttled(uow, counting, place, clients):
    admin = place.admin_of(place.home)
    for n in range(6):
        register(uow, counting, place, clients, phone=f"1380000010{n}", actor=admin)
    assert len(uow.members.rows) == 6


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"phone": "12345"}, "phone"),
        ({"password": "short"}, "password"),
        ({"community_id": "nowhere"}, "community_id"),
        ({"grid_id": "gr-b1"}, "grid_id"),
    ],
)
def test_bad_input_is_refused_before_any_password_is_hashed(uow, counting, place, clients, changes, field):
    with pytest.raises(InvalidArgument) as err:
        register(uow, counting, place, clients, **changes)
    assert err.value.field == field
    assert counting.hashes == 0


def test_a_stranger_registering_a_taken_phone_learns_nothing_and_changes_nothing(uow, counting, place):
    register(uow, counting, place)
    events = list(uow.event_types)
    assert register(uow, counting, place, request_id="r-again", name="冒名者", password="another-123") is None
    assert len(uow.members.rows) == 1 and uow.event_types == events


def test_a_stranger_registering_a_taken_phone_waits_for_the_same_hash_as_a_newcomer(uow, counting, place):
    register(uow, counting, place)
    before = counting.hashes
    register(uow, counting, place, request_id="r-again", name="冒名者")
    assert counting.hashes == before + 1


def test_an_admin_registering_a_taken_phone_is_told(uow, counting, place):
    register(uow, counting, place)
    with pytest.raises(AlreadyExists) as err:
        register(uow, counting, place, request_id="r-admin", name="李建国", actor=place.admin_of(place.home))
    assert err.value.field == "phone"


def set_registration(uow, place, actor, value, community_id=None, request_id="s1"):
    cmd = SetSelfRegistration(
        request_id=request_id,
        actor=actor,
        community_id=place.home.id if community_id is None else community_id,
        self_registration=value,
    )
    return directory.set_self_registration(cmd, uow)


def test_a_community_that_registers_its_people_itself_refuses_self_registration_before_hashing(
    uow, counting, place
):
    assert set_registration(uow, place, place.admin_of(place.home), BY_ADMIN).self_registration == BY_ADMIN
    with pytest.raises(FailedPrecondition) as err:
        register(uow, counting, place)
    assert "管理员" in err.value.message("zh")
    assert counting.hashes == 0 and uow.members.rows == {}


def test_its_admin_still_registers_residents_there(uow, counting, place):
    set_registration(uow, place, place.street_admin, BY_ADMIN)
    member = register(uow, counting, place, actor=place.admin_of(place.home))
    assert member.community_id == place.home.id


def test_a_community_opened_again_takes_self_registration(uow, counting, place):
    admin = place.admin_of(place.home)
    set_registration(uow, place, admin, BY_ADMIN)
    set_registration(uow, place, admin, OPEN, request_id="s2")
    assert register(uow, counting, place) is not None


def test_communities_take_self_registration_until_told_otherwise(uow, place):
    assert uow.directory.community(place.home.id).self_registration == OPEN


@pytest.mark.parametrize("who", ["other_admin", "volunteer", "anonymous"])
def test_only_admins_of_the_community_or_street_set_how_it_registers(uow, counting, place, who):
    from jifen.caller import ANONYMOUS, VOLUNTEER, Caller, Grant

    actor = {
        "other_admin": place.admin_of(place.other),
        "volunteer": Caller(member_id="v1", grants=(Grant(VOLUNTEER),), community_id=place.home.id),
        "anonymous": ANONYMOUS,
    }[who]
    with pytest.raises(PermissionDenied):
        set_registration(uow, place, actor, BY_ADMIN)
    assert uow.directory.community(place.home.id).self_registration == OPEN


@pytest.mark.parametrize(
    ("value", "community_id", "error", "field"),
    [
        ("", None, InvalidArgument, "self_registration"),
        ("sometimes", None, InvalidArgument, "self_registration"),
        (BY_ADMIN, "", InvalidArgument, "community_id"),
        (BY_ADMIN, "nowhere", NotFound, ""),
    ],
)
def test_bad_registration_settings_are_refused_and_change_nothing(
    uow, place, value, community_id, error, field
):
    with pytest.raises(error) as err:
        set_registration(uow, place, place.street_admin, value, community_id)
    assert (err.value.field or "") == field
    assert uow.directory.community(place.home.id).self_registration == OPEN
