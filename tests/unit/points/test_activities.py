"""Planning, changing, cancelling and finding activities."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jifen.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.points.domain.activity import CANCELLED, ENDED, IN_PROGRESS, SCHEDULED
from services.points.service.activities import planning as activities
from services.points.service.activities import sign_ups
from services.points.service.activities.commands import CancelActivity, ListActivities, SignUp, UpdateActivity

from .fake_activities import MONDAY, at, plan

TOMORROW = MONDAY + timedelta(days=1)


def test_an_admin_plans_an_activity_run_by_an_organiser(uow, town):
    planned = plan(uow, town)
    view = activities.get_activity(town.organiser, planned.id, uow, at(MONDAY))
    assert view.status == SCHEDULED
    assert view.activity.title == "环境卫生整治"
    assert view.activity.organiser_id == town.organiser.member_id
    assert view.activity.created_by == town.admin.member_id
    assert view.activity.signed_up_count == 0
    assert view.activity.community_id == town.HOME


def test_without_an_organiser_the_admin_runs_it(uow, town):
    planned = plan(uow, town, organiser_id="")
    assert planned.organiser_id == town.admin.member_id


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "长" * 61}, "title"),
        ({"description": "字" * 2001}, "description"),
        ({"category": "Environment"}, "category"),
        ({"category": "elderly care"}, "category"),
        ({"category": "a" * 41}, "category"),
        ({"category": ""}, "category"),
        ({"difficulty": 9}, "difficulty"),
        ({"difficulty": 0}, "difficulty"),
        ({"start_time": None}, "start_time"),
        ({"end_time": TOMORROW - timedelta(hours=1)}, "end_time"),
        ({"end_time": TOMORROW}, "end_time"),
        ({"end_time": TOMORROW + timedelta(days=7, minutes=1)}, "end_time"),
        ({"capacity": -1}, "capacity"),
        ({"capacity": 10_001}, "capacity"),
        ({"place": "地" * 201}, "place"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(uow, town, changes, field):
    with pytest.raises(InvalidArgument) as refused:
        plan(uow, town, **changes)
    assert refused.value.field == field
    assert refused.value.zh and refused.value.en
    assert uow.activities.rows == {}
    assert uow.idempotency.rows == {}


def test_a_week_long_activity_is_fine(uow, town):
    planned = plan(uow, town, end_time=TOMORROW + timedelta(days=7), category="emergency_duty_2")
    assert planned.duration_minutes == 7 * 24 * 60


def test_an_unknown_community_is_not_found(uow, town):
    with pytest.raises(NotFound):
        plan(uow, town, community_id="co-nowhere")
    assert uow.activities.rows == {}


def test_an_admin_of_another_community_cannot_plan_here(uow, town):
    with pytest.raises(PermissionDenied):
        plan(uow, town, actor=town.other_admin)


def test_a_street_admin_plans_in_any_community_of_the_street(uow, town):
    from .fake_activities import street_admin

    planned = plan(uow, town, actor=street_admin(), community_id=town.OTHER)
    assert planned.community_id == town.OTHER


def test_the_organiser_must_be_a_known_active_member(uow, town):
    with pytest.raises(NotFound) as unknown:
        plan(uow, town, organiser_id="nobody")
    assert unknown.value.field == "organiser_id"
    town.add_member("gone", "离开的人", status="deactivated")
    with pytest.raises(FailedPrecondition) as gone:
        plan(uow, town, organiser_id="gone")
    assert gone.value.field == "organiser_id"
    assert uow.activities.rows == {}


def test_a_retry_returns_the_same_activity_and_a_reused_key_is_refused(uow, town):
    first = plan(uow, town)
    assert plan(uow, town).id == first.id
    assert len(uow.activities.rows) == 1
    with pytest.raises(AlreadyExists):
        plan(uow, town, title="文明交通劝导")


def update(uow, actor, activity_id, fields, request_id="upd-1", now=MONDAY, **values):
    cmd = UpdateActivity(request_id=request_id, actor=actor, activity_id=activity_id, fields=fields, **values)
    return activities.update_activity(cmd, uow, at(now))


def test_the_organiser_changes_the_fields_named_in_the_mask(uow, town):
    planned = plan(uow, town)
    changed = update(
        uow,
        town.organiser,
        planned.id,
        ("title", "difficulty"),
        title="垃圾分类宣传",
        difficulty=1,
        place="x",
    ).activity
    assert (changed.title, changed.difficulty) == ("垃圾分类宣传", 1)
    # Not in the mask: unchanged.
    assert changed.place == planned.place


def test_an_update_is_checked_like_a_plan(uow, town):
    planned = plan(uow, town)
    with pytest.raises(InvalidArgument) as refused:
        update(uow, town.organiser, planned.id, ("end_time",), end_time=planned.start_time)
    assert refused.value.field == "end_time"
    with pytest.raises(InvalidArgument) as refused:
        update(uow, town.organiser, planned.id, ("difficulty",), difficulty=9)
    assert refused.value.field == "difficulty"
    with pytest.raises(InvalidArgument) as refused:
        update(uow, town.organiser, planned.id, ("signed_up_count",))
    assert refused.value.field == "update_mask"
    with pytest.raises(InvalidArgument):
        update(uow, town.organiser, planned.id, ())
    assert uow.activities.rows[planned.id] == planned


def test_only_the_organiser_or_an_admin_of_the_community_may_change_it(uow, town):
    planned = plan(uow, town)
    stranger = town.add_member("vol-x", "路人")
    for actor in (stranger, town.other_admin):
        with pytest.raises(PermissionDenied):
            update(uow, actor, planned.id, ("title",), title="改名")
    assert update(uow, town.admin, planned.id, ("title",), title="改名").activity.title == "改名"


def test_capacity_cannot_drop_below_those_signed_up(uow, town):
    planned = plan(uow, town)
    for i, member in enumerate(town.volunteers(3)):
        sign_ups.sign_up(SignUp(f"su-{i}", member, planned.id), uow, at(MONDAY))
    with pytest.raises(FailedPrecondition) as refused:
        update(uow, town.organiser, planned.id, ("capacity",), capacity=2)
    assert refused.value.field == "capacity"
    assert (
        update(uow, town.organiser, planned.id, ("capacity",), capacity=3, request_id="u2").activity.capacity
        == 3
    )
    unlimited = update(uow, town.organiser, planned.id, ("capacity",), capacity=0, request_id="u3").activity
    assert unlimited.capacity == 0 and unlimited.signed_up_count == 3


def test_the_organiser_can_be_handed_over_to_a_known_member(uow, town):
    planned = plan(uow, town)
    town.add_member("org-2", "新组织者")
    assert (
        update(uow, town.admin, planned.id, ("organiser_id",), organiser_id="org-2").activity.organiser_id
        == "org-2"
    )
    with pytest.raises(NotFound):
        update(uow, town.admin, planned.id, ("organiser_id",), organiser_id="nobody", request_id="u2")


def cancel(uow, actor, activity_id, reason="天气原因", request_id="cancel-1", now=MONDAY):
    return activities.cancel_activity(CancelActivity(request_id, actor, activity_id, reason), uow, at(now))


def test_a_cancelled_activity_needs_a_reason_and_then_takes_no_changes_or_sign_ups(uow, town):
    planned = plan(uow, town)
    with pytest.raises(InvalidArgument) as refused:
        cancel(uow, town.organiser, planned.id, reason="  ")
    assert refused.value.field == "reason"
    view = cancel(uow, town.organiser, planned.id)
    assert view.status == CANCELLED and view.activity.cancel_reason == "天气原因"
    with pytest.raises(FailedPrecondition):
        update(uow, town.organiser, planned.id, ("title",), title="改名")
    member = town.add_member("vol-1", "王秀兰")
    with pytest.raises(FailedPrecondition):
        sign_ups.sign_up(SignUp("su-1", member, planned.id), uow, at(MONDAY))
    with pytest.raises(FailedPrecondition):
        cancel(uow, town.organiser, planned.id, request_id="cancel-2")


def test_an_activity_that_has_ended_cannot_be_cancelled(uow, town):
    planned = plan(uow, town)
    with pytest.raises(FailedPrecondition):
        cancel(uow, town.admin, planned.id, now=planned.end_time)


def test_a_volunteer_cannot_cancel(uow, town):
    planned = plan(uow, town)
    with pytest.raises(PermissionDenied):
        cancel(uow, town.add_member("vol-1", "王秀兰"), planned.id)


def test_the_status_follows_the_clock(uow, town):
    planned = plan(uow, town)
    status = lambda now: activities.get_activity(town.admin, planned.id, uow, at(now)).status  # noqa: E731
    assert status(planned.start_time - timedelta(seconds=1)) == SCHEDULED
    assert status(planned.start_time) == IN_PROGRESS
    assert status(planned.end_time) == ENDED


def test_an_unknown_activity_is_not_found(uow, town):
    with pytest.raises(NotFound):
        activities.get_activity(town.admin, "nope", uow)


def listed(uow, actor, now=MONDAY, **filters):
    found, token = activities.list_activities(ListActivities(actor=actor, **filters), uow, at(now))
    return [v.activity.title for v in found], token


def test_listing_filters_by_status_by_time_soonest_first(uow, town):
    plan(uow, town, "p1", title="明天的活动")
    plan(
        uow,
        town,
        "p2",
        title="今天的活动",
        start_time=MONDAY - timedelta(hours=1),
        end_time=MONDAY + timedelta(hours=1),
    )
    plan(
        uow,
        town,
        "p3",
        title="上周的活动",
        start_time=MONDAY - timedelta(days=7),
        end_time=MONDAY - timedelta(days=7, hours=-2),
    )
    gone = plan(
        uow,
        town,
        "p4",
        title="取消的活动",
        start_time=MONDAY + timedelta(days=2),
        end_time=MONDAY + timedelta(days=2, hours=2),
    )
    cancel(uow, town.admin, gone.id)
    assert listed(uow, town.admin)[0] == ["上周的活动", "今天的活动", "明天的活动", "取消的活动"]
    assert listed(uow, town.admin, status=SCHEDULED)[0] == ["明天的活动"]
    assert listed(uow, town.admin, status=IN_PROGRESS)[0] == ["今天的活动"]
    assert listed(uow, town.admin, status=ENDED)[0] == ["上周的活动"]
    assert listed(uow, town.admin, status=CANCELLED)[0] == ["取消的活动"]
    assert listed(uow, town.admin, query="今天")[0] == ["今天的活动"]
    assert listed(uow, town.admin, starts_after=MONDAY)[0] == ["明天的活动", "取消的活动"]
    with pytest.raises(InvalidArgument):
        listed(uow, town.admin, status="postponed")


def test_my_activities_and_the_caller_signed_up_mark(uow, town):
    mine = plan(uow, town, "p1", title="我报名的")
    plan(uow, town, "p2", title="别的")
    member = town.add_member("vol-1", "王秀兰")
    sign_ups.sign_up(SignUp("su-1", member, mine.id), uow, at(MONDAY))
    found, _ = activities.list_activities(
        ListActivities(actor=member, signed_up_member_id="vol-1"), uow, at(MONDAY)
    )
    assert [(v.activity.title, v.caller_signed_up) for v in found] == [("我报名的", True)]
    everything, _ = activities.list_activities(ListActivities(actor=member), uow, at(MONDAY))
    assert {v.activity.title: v.caller_signed_up for v in everything} == {"我报名的": True, "别的": False}
    with pytest.raises(PermissionDenied):
        listed(uow, town.organiser, signed_up_member_id="vol-1")


def test_listing_pages(uow, town):
    for i in range(5):
        plan(
            uow,
            town,
            f"p{i}",
            title=f"活动{i}",
            start_time=TOMORROW + timedelta(hours=i),
            end_time=TOMORROW + timedelta(hours=i + 1),
        )
    first, token = listed(uow, town.admin, page_size=2)
    second, token2 = listed(uow, town.admin, page_size=2, page_token=token)
    third, token3 = listed(uow, town.admin, page_size=2, page_token=token2)
    assert first + second + third == [f"活动{i}" for i in range(5)]
    assert token3 == ""
