"""Which version is in force (community → street → default), and reading versions back."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from jifen.errors import InvalidArgument, NotFound
from services.points.domain.rules import DEFAULT_RULES
from services.points.service.rules import handlers as rules
from services.points.service.rules.commands import ListRuleVersions, PublishRuleVersion, ResolveRuleVersion

from .fake_rules import HOME, NOW, OTHER, STREET, Clock, admin_of, street_admin

LAST_WEEK = NOW - timedelta(days=7)


@pytest.fixture
def uow(rules_uow):
    # Publishing and resolving need the rule versions' scopes: the shared fixture's rules variant.
    return rules_uow


def publish(uow, request_id, points_per_hour, at=NOW, effective_from=None, **scope):
    actor = admin_of(HOME) if scope.get("community_id") else street_admin()
    cmd = PublishRuleVersion(
        request_id=request_id,
        actor=actor,
        rules=replace(DEFAULT_RULES, points_per_hour=points_per_hour),
        effective_from=effective_from,
        **scope,
    )
    return rules.publish_rule_version(cmd, uow, Clock(at))


def resolve(uow, community, at=None, now=NOW):
    return rules.resolve_rule_version(ResolveRuleVersion(community.id, at), uow, Clock(now))


def test_with_nothing_published_the_built_in_default_is_in_force(uow):
    version = resolve(uow, HOME)

    assert version.id == "default-0" and version.rules == DEFAULT_RULES
    assert (version.community_id, version.street_id) == ("", "")


def test_a_community_falls_back_to_its_street_then_to_the_default(uow):
    street = publish(uow, "r1", 15, at=NOW - timedelta(days=30), street_id=STREET)
    own = publish(uow, "r2", 20, at=NOW - timedelta(days=10), community_id=HOME.id)

    assert resolve(uow, HOME).id == own.id
    assert resolve(uow, OTHER).id == street.id
    # Before the community's own version began, its street's applied; before that, the default.
    assert resolve(uow, HOME, at=NOW - timedelta(days=20)).id == street.id
    assert resolve(uow, HOME, at=NOW - timedelta(days=40)).id == "default-0"


def test_a_version_published_today_does_not_change_what_was_in_force_last_week(uow):
    before = resolve(uow, HOME, at=LAST_WEEK)
    publish(uow, "r1", 50, community_id=HOME.id)
    publish(uow, "r2", 40, street_id=STREET)

    assert resolve(uow, HOME, at=LAST_WEEK) == before
    assert resolve(uow, HOME).rules.points_per_hour == 50


def test_a_version_announced_for_later_is_not_in_force_until_then(uow):
    later = NOW + timedelta(days=3)
    version = publish(uow, "r1", 20, effective_from=later, community_id=HOME.id)

    assert resolve(uow, HOME).id == "default-0"
    assert resolve(uow, HOME, at=later).id == version.id
    assert resolve(uow, HOME, now=later + timedelta(seconds=1)).id == version.id


def test_the_newest_started_version_of_a_scope_wins(uow):
    publish(uow, "r1", 20, at=NOW - timedelta(days=9), community_id=HOME.id)
    newer = publish(uow, "r2", 30, at=NOW - timedelta(days=2), community_id=HOME.id)

    assert resolve(uow, HOME).id == newer.id


def test_resolving_for_an_unknown_community_is_not_found(uow):
    with pytest.raises(NotFound) as raised:
        rules.resolve_rule_version(ResolveRuleVersion("co-nowhere"), uow, Clock())
    assert raised.value.field == "community_id"


def test_a_time_before_the_built_in_default_is_refused(uow):
    with pytest.raises(InvalidArgument) as raised:
        resolve(uow, HOME, at=datetime(1969, 12, 31, tzinfo=UTC))
    assert raised.value.field == "at"


def test_get_returns_a_version_and_an_unknown_id_is_not_found(uow):
    version = publish(uow, "r1", 20, community_id=HOME.id)

    assert rules.get_rule_version(version.id, uow) == version
    assert rules.get_rule_version("default-0", uow).rules == DEFAULT_RULES
    with pytest.raises(NotFound):
        rules.get_rule_version("nope", uow)


def test_list_shows_one_scope_latest_effective_from_first_with_pages(uow):
    first = publish(uow, "r1", 20, at=NOW - timedelta(days=9), community_id=HOME.id)
    second = publish(uow, "r2", 30, at=NOW - timedelta(days=2), community_id=HOME.id)
    announced = publish(uow, "r3", 40, effective_from=NOW + timedelta(days=5), community_id=HOME.id)
    publish(uow, "r4", 15, street_id=STREET)

    page, token = rules.list_rule_versions(ListRuleVersions(community_id=HOME.id, page_size=2), uow)
    rest, end = rules.list_rule_versions(
        ListRuleVersions(community_id=HOME.id, page_size=2, page_token=token), uow
    )

    assert [v.id for v in page + rest] == [announced.id, second.id, first.id]
    assert end == ""
    defaults, _ = rules.list_rule_versions(ListRuleVersions(), uow)
    assert [v.id for v in defaults] == ["default-0"]


def test_list_refuses_two_scopes_and_unknown_ones(uow):
    with pytest.raises(InvalidArgument):
        rules.list_rule_versions(ListRuleVersions(community_id=HOME.id, street_id=STREET), uow)
    with pytest.raises(NotFound):
        rules.list_rule_versions(ListRuleVersions(street_id="st-9"), uow)
