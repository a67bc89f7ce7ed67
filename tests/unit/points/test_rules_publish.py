"""Publishing rule versions: who may, where, from when, and that bad input writes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from jifen.caller import Caller
from jifen.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied
from services.points.domain.rules import DEFAULT_RULES
from services.points.service.rules import handlers as rules
from services.points.service.rules.commands import PublishRuleVersion

from .fake_rules import ELSEWHERE, HOME, NOW, OTHER, STREET, Clock, admin_of, street_admin

RICHER = replace(DEFAULT_RULES, points_per_hour=20)


@pytest.fixture
def uow(rules_uow):
    # Publishing and resolving need the rule versions' scopes: the shared fixture's rules variant.
    return rules_uow


def publish(uow, clock=None, **changes):
    fields = dict(request_id="r1", actor=admin_of(HOME), rules=RICHER, community_id=HOME.id)
    fields.update(changes)
    return rules.publish_rule_version(PublishRuleVersion(**fields), uow, clock or Clock())


def assert_nothing_written(uow):
    assert [v.id for v in uow.rules.versions] == ["default-0"]
    assert uow.idempotency.rows == {}


def test_a_community_admin_publishes_for_their_community_from_now(uow):
    version = publish(uow, note="  提高每小时积分  ")

    assert version.community_id == HOME.id and version.street_id == ""
    assert version.effective_from == NOW
    assert version.rules.points_per_hour == 20
    assert version.note == "提高每小时积分"
    assert version.published_by == f"admin-{HOME.id}" and version.published_at == NOW
    assert uow.rules.get(version.id) == version


def test_a_street_admin_publishes_for_a_community_of_the_street_and_for_the_street(uow):
    for_home = publish(uow, actor=street_admin())
    for_street = publish(uow, request_id="r2", actor=street_admin(), community_id="", street_id=STREET)

    assert (for_home.community_id, for_home.street_id) == (HOME.id, "")
    assert (for_street.community_id, for_street.street_id) == ("", STREET)


def test_a_later_effective_from_is_kept(uow):
    later = NOW + timedelta(days=30)

    assert publish(uow, effective_from=later).effective_from == later


@pytest.mark.parametrize(
    "actor",
    [
        admin_of(OTHER),
        admin_of(ELSEWHERE),
        street_admin("st-2"),
        Caller(member_id="volunteer-1"),
    ],
    ids=["admin-of-another-community", "admin-elsewhere", "admin-of-another-street", "volunteer"],
)
def test_only_admins_of_the_community_or_its_street_publish_for_it(uow, actor):
    with pytest.raises(PermissionDenied):
        publish(uow, actor=actor)
    assert_nothing_written(uow)


def test_a_community_admin_cannot_publish_for_the_whole_street(uow):
    with pytest.raises(PermissionDenied):
        publish(uow, community_id="", street_id=STREET)
    assert_nothing_written(uow)


def test_the_default_rules_cannot_be_published_through_the_api(uow):
    with pytest.raises(PermissionDenied) as raised:
        publish(uow, actor=street_admin(), community_id="", street_id="")
    assert "built in" in raised.value.en and "street or community" in raised.value.en
    assert "内置" in raised.value.zh
    assert_nothing_written(uow)


def test_community_and_street_together_are_refused(uow):
    with pytest.raises(InvalidArgument) as raised:
        publish(uow, actor=street_admin(), street_id=STREET)
    assert raised.value.field == "street_id"
    assert_nothing_written(uow)


@pytest.mark.parametrize(
    ("scope", "field"),
    [
        ({"community_id": "co-nowhere"}, "community_id"),
        ({"community_id": "", "street_id": "st-9"}, "street_id"),
    ],
)
def test_an_unknown_community_or_street_is_not_found(uow, scope, field):
    with pytest.raises(NotFound) as raised:
        publish(uow, actor=street_admin("st-9"), **scope)
    assert raised.value.field == field
    assert_nothing_written(uow)


@pytest.mark.parametrize(
    "effective_from",
    [NOW - timedelta(seconds=1), NOW - timedelta(days=7), NOW + timedelta(days=366, seconds=1)],
    ids=["a-second-ago", "last-week", "beyond-366-days"],
)
def test_effective_from_in_the_past_or_too_far_ahead_is_refused(uow, effective_from):
    with pytest.raises(InvalidArgument) as raised:
        publish(uow, effective_from=effective_from)
    assert raised.value.field == "effective_from"
    assert_nothing_written(uow)


def test_effective_from_exactly_366_days_ahead_is_allowed(uow):
    assert publish(uow, effective_from=NOW + timedelta(days=366)).effective_from == NOW + timedelta(days=366)


def test_a_second_version_of_the_same_scope_and_effective_from_already_exists(uow):
    later = NOW + timedelta(days=1)
    publish(uow, effective_from=later)

    with pytest.raises(AlreadyExists) as raised:
        publish(uow, request_id="r2", actor=street_admin(), effective_from=later)
    assert raised.value.field == "effective_from"
    assert len(uow.rules.versions) == 2
    # Another scope may start at the same moment.
    assert publish(uow, request_id="r3", actor=admin_of(OTHER), community_id=OTHER.id, effective_from=later)


@pytest.mark.parametrize(
    ("rule_set", "field"),
    [
        (replace(DEFAULT_RULES, points_per_hour=0), "rules.points_per_hour"),
        (replace(DEFAULT_RULES, difficulty_multipliers=(100, 120, 150, 180)), "rules.difficulty_multipliers"),
        (replace(DEFAULT_RULES, rounding_mode=""), "rules.rounding_mode"),
        (replace(DEFAULT_RULES, expiry_policy="months_after_accrual", expiry_value=0), "rules.expiry_value"),
    ],
    ids=["points-per-hour", "four-difficulties", "no-rounding-mode", "zero-months"],
)
def test_bad_parameters_are_refused_naming_the_field(uow, rule_set, field):
    with pytest.raises(InvalidArgument) as raised:
        publish(uow, rules=rule_set)
    assert raised.value.field == field
    assert_nothing_written(uow)


def test_a_note_over_500_characters_is_refused(uow):
    publish(uow, note="说" * 500)
    with pytest.raises(InvalidArgument) as raised:
        publish(uow, request_id="r2", note="说" * 501, effective_from=NOW + timedelta(days=1))
    assert raised.value.field == "note"
    assert len(uow.rules.versions) == 2


def test_a_retry_returns_the_first_version_even_after_its_effective_from_passed(uow):
    later = NOW + timedelta(hours=1)
    first = publish(uow, effective_from=later)

    again = publish(uow, effective_from=later, clock=Clock(NOW + timedelta(days=2)))

    assert again == first
    assert len(uow.rules.versions) == 2


def test_a_request_id_reused_for_a_different_request_is_refused(uow):
    publish(uow)
    with pytest.raises(AlreadyExists) as raised:
        publish(uow, rules=replace(RICHER, points_per_hour=30))
    assert raised.value.field == "request_id"
    assert len(uow.rules.versions) == 2


def test_publishing_needs_a_request_id(uow):
    with pytest.raises(InvalidArgument) as raised:
        publish(uow, request_id=" ")
    assert raised.value.field == "request_id"
    assert_nothing_written(uow)


def test_a_version_published_without_a_title_is_titled_by_its_effective_date_in_beijing(uow):
    # 16:30 UTC on 20 December is already 21 December in Beijing.
    version = publish(uow, effective_from=datetime(2026, 12, 20, 16, 30, tzinfo=UTC))

    assert version.title == "2026年12月21日起施行的积分规则"
    assert version.label == "「2026年12月21日起施行的积分规则」"


def test_the_admins_title_is_kept_and_statements_add_the_date(uow):
    version = publish(uow, title="  张苏滩社区志愿服务积分办法  ", effective_from=NOW + timedelta(days=11))

    assert version.title == "张苏滩社区志愿服务积分办法"
    assert version.label == "「张苏滩社区志愿服务积分办法」（2026年12月1日起施行）"


def test_a_title_over_60_characters_is_refused(uow):
    with pytest.raises(InvalidArgument, check=lambda exc: exc.field == "title"):
        publish(uow, title="积" * 61)
    assert_nothing_written(uow)
