"""Signing up, withdrawing and the list of participants."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jifen.errors import FailedPrecondition, NotFound, PermissionDenied
from services.points.domain.activity import SIGNED_UP, WITHDRAWN
from services.points.service.activities import sign_ups
from services.points.service.activities.commands import ListParticipants, SignUp, Withdraw

from .fake_activities import MONDAY, at, plan


def sign_up(uow, actor, activity_id, request_id="su-1", member_id="", now=MONDAY):
    return sign_ups.sign_up(SignUp(request_id, actor, activity_id, member_id), uow, at(now))


def withdraw(uow, actor, activity_id, request_id="wd-1", member_id="", now=MONDAY):
    return sign_ups.withdraw(Withdraw(request_id, actor, activity_id, member_id), uow, at(now))


def test_a_volunteer_signs_up_and_takes_a_place(uow, town):
    planned = plan(uow, town)
    member = town.add_member("vol-1", "王秀兰")
    participant, activity = sign_up(uow, member, planned.id)
    assert participant.participant.status == SIGNED_UP
    assert participant.member_name == "王秀兰"
    assert activity.activity.signed_up_count == 1
    assert activity.caller_signed_up


def test_signing_up_twice_counts_once(uow, town):
    planned = plan(uow, town)
    member = town.add_member("vol-1", "王秀兰")
    sign_up(uow, member, planned.id, "su-1")
    participant, activity = sign_up(uow, member, planned.id, "su-2")
    assert participant.participant.status == SIGNED_UP
    assert activity.activity.signed_up_count == 1


def test_when_the_places_are_taken_the_next_one_hears_it_is_full(uow, town):
    planned = plan(uow, town, capacity=2)
    first, second, third = town.volunteers(3)
    sign_up(uow, first, planned.id, "a")
    sign_up(uow, second, planned.id, "b")
    with pytest.raises(FailedPrecondition) as full:
        sign_up(uow, third, planned.id, "c")
    assert full.value.zh == "名额已满"
    assert uow.activities.rows[planned.id].signed_up_count == 2
    assert uow.activities.participant(planned.id, third.member_id) is None


def test_capacity_zero_means_no_limit(uow, town):
    planned = plan(uow, town, capacity=0)
    for i, member in enumerate(town.volunteers(12)):
        sign_up(uow, member, planned.id, f"su-{i}")
    assert uow.activities.rows[planned.id].signed_up_count == 12


def test_withdrawing_frees_the_place_and_signing_up_again_is_allowed(uow, town):
    planned = plan(uow, town, capacity=1)
    first, second = town.volunteers(2)
    sign_up(uow, first, planned.id, "a")
    participant, activity = withdraw(uow, first, planned.id)
    assert participant.participant.status == WITHDRAWN
    assert activity.activity.signed_up_count == 0 and not activity.caller_signed_up
    # Withdrawing twice does not free a place twice.
    assert withdraw(uow, first, planned.id, "wd-2")[1].activity.signed_up_count == 0
    sign_up(uow, second, planned.id, "b")
    with pytest.raises(FailedPrecondition):
        sign_up(uow, first, planned.id, "a2")
    withdraw(uow, second, planned.id, "wd-3")
    participant, activity = sign_up(uow, first, planned.id, "a3")
    assert participant.participant.status == SIGNED_UP and activity.activity.signed_up_count == 1


def test_withdrawing_without_signing_up_is_refused(uow, town):
    planned = plan(uow, town)
    with pytest.raises(FailedPrecondition):
        withdraw(uow, town.add_member("vol-1", "王秀兰"), planned.id)


def test_sign_up_closes_at_the_end_of_the_activity(uow, town):
    planned = plan(uow, town)
    member = town.add_member("vol-1", "王秀兰")
    _, during = sign_up(uow, member, planned.id, "a", now=planned.start_time + timedelta(hours=1))
    assert during.activity.signed_up_count == 1
    late = town.add_member("vol-2", "李明")
    with pytest.raises(FailedPrecondition):
        sign_up(uow, late, planned.id, "b", now=planned.end_time)


def test_only_known_active_members_sign_up(uow, town):
    planned = plan(uow, town)
    gone = town.add_member("gone", "离开的人", status="deactivated")
    with pytest.raises(FailedPrecondition):
        sign_up(uow, gone, planned.id)
    with pytest.raises(NotFound):
        sign_up(uow, town.admin, planned.id, member_id="nobody")
    assert uow.activities.rows[planned.id].signed_up_count == 0


def test_signing_up_someone_else_is_for_an_admin_not_the_organiser(uow, town):
    # Whoever is signed up can be given hours: an organiser adding members would choose who gets paid.
    planned = plan(uow, town)
    first, second = town.volunteers(2)
    for who in (first, town.organiser):
        with pytest.raises(PermissionDenied):
            sign_up(uow, who, planned.id, member_id=second.member_id)
    assert uow.activities.participant(planned.id, second.member_id) is None
    participant, _ = sign_up(uow, town.admin, planned.id, "b", member_id=second.member_id)
    assert participant.participant.member_id == second.member_id
    with pytest.raises(PermissionDenied):
        withdraw(uow, town.other_admin, planned.id, member_id=second.member_id)
    assert (
        withdraw(uow, town.admin, planned.id, member_id=second.member_id)[0].participant.status == WITHDRAWN
    )


def test_an_unknown_activity_is_not_found(uow, town):
    with pytest.raises(NotFound):
        sign_up(uow, town.add_member("vol-1", "王秀兰"), "nope")


def test_the_organiser_lists_participants_without_the_withdrawn(uow, town):
    planned = plan(uow, town)
    members = town.volunteers(3)
    for i, member in enumerate(members):
        sign_up(uow, member, planned.id, f"su-{i}", now=MONDAY + timedelta(minutes=i))
    withdraw(uow, members[1], planned.id)
    found, token = sign_ups.list_participants(ListParticipants(town.organiser, planned.id), uow)
    assert [(p.participant.member_id, p.member_name) for p in found] == [
        ("vol-0", "王秀兰"),
        ("vol-2", "张伟"),
    ]
    assert token == ""
    gone, _ = sign_ups.list_participants(ListParticipants(town.admin, planned.id, status=WITHDRAWN), uow)
    assert [p.participant.member_id for p in gone] == ["vol-1"]


def test_volunteers_and_admins_elsewhere_do_not_see_the_participants(uow, town):
    planned = plan(uow, town)
    for actor in (town.add_member("vol-1", "王秀兰"), town.other_admin):
        with pytest.raises(PermissionDenied):
            sign_ups.list_participants(ListParticipants(actor, planned.id), uow)


def test_a_member_of_another_community_cannot_sign_up(uow, town):
    planned = plan(uow, town)
    outsider = town.add_member("vol-out", "外来者", community_id=town.OTHER)
    with pytest.raises(FailedPrecondition) as refused:
        sign_up(uow, outsider, planned.id)
    assert refused.value.field == "member_id"
    assert uow.activities.participant(planned.id, "vol-out") is None
    assert uow.activities.rows[planned.id].signed_up_count == 0
