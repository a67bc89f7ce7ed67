"""Star levels (星级志愿者) follow the thresholds of the rules in force for the member's street:
the national ones by default, Beijing's where the street publishes them."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from jifen.caller import Caller
from jifen.errors import InvalidArgument
from services.points.adapters import rule_codec
from services.points.domain.ledger import Account
from services.points.domain.people import MemberCopy
from services.points.domain.rules import (
    DEFAULT_RULES,
    STAR_HOURS_BEIJING,
    STAR_HOURS_NATIONAL,
    minutes_to_next_star,
    star_level,
)
from services.points.entrypoints import rule_messages
from services.points.service.ledger import balances
from services.points.service.ledger.commands import GetBalance
from tests.unit.points.fake_activities import STREET, PointsUow, street_rules
from tests.unit.points.fakes import FixedRules

HOUR = 60


@pytest.mark.parametrize(
    ("hours", "national", "beijing"),
    [(99, 0, 0), (100, 1, 1), (250, 1, 2), (500, 2, 3), (800, 3, 4), (1000, 4, 5), (1500, 5, 5)],
)
def test_the_same_hours_earn_more_stars_under_beijings_thresholds(hours, national, beijing):
    assert star_level(hours * HOUR) == star_level(hours * HOUR, STAR_HOURS_NATIONAL) == national
    assert star_level(hours * HOUR, STAR_HOURS_BEIJING) == beijing


def test_the_minutes_to_the_next_star_follow_the_thresholds():
    assert minutes_to_next_star(150 * HOUR) == 150 * HOUR
    assert minutes_to_next_star(150 * HOUR, STAR_HOURS_BEIJING) == 50 * HOUR
    assert minutes_to_next_star(1000 * HOUR, STAR_HOURS_BEIJING) == 0


def test_rules_hold_five_rising_thresholds_and_default_to_the_national_ones():
    assert DEFAULT_RULES.star_hours == STAR_HOURS_NATIONAL
    replace(DEFAULT_RULES, star_hours=STAR_HOURS_BEIJING).validated()
    for wrong in (
        (100, 200, 300),
        (100, 100, 500, 800, 1000),
        (0, 200, 500, 800, 1000),
        (100, 200, 500, 800, 10**6),
    ):
        with pytest.raises(InvalidArgument) as err:
            replace(DEFAULT_RULES, star_hours=wrong).validated()
        assert err.value.field == "rules.star_hours"


def test_stored_and_sent_rules_keep_their_thresholds_and_older_ones_read_as_national():
    beijing = replace(DEFAULT_RULES, star_hours=STAR_HOURS_BEIJING)
    assert rule_codec.loads(rule_codec.dumps(beijing)) == beijing
    stored = json.loads(rule_codec.dumps(DEFAULT_RULES))
    del stored["star_hours"]
    older = json.dumps(stored)
    assert "star_hours" not in older
    assert rule_codec.loads(older).star_hours == STAR_HOURS_NATIONAL
    message = rule_messages.rule_set(beijing)
    assert list(message.star_hours) == list(STAR_HOURS_BEIJING)

    class Request:
        rules = message

        def HasField(self, name):
            return True

    assert rule_messages.rule_set_of(Request()).star_hours == STAR_HOURS_BEIJING
    message.ClearField("star_hours")
    assert rule_messages.rule_set_of(Request()).star_hours == STAR_HOURS_NATIONAL


def balance_under(*versions) -> object:
    uow = PointsUow(FixedRules(*versions))
    now = datetime.now(UTC)
    with uow:
        uow.people.put_member(MemberCopy("m-1", "王秀兰", "co-a", STREET, "", "active", now))
        uow.ledger.open(Account("m-1", "co-a", certified_minutes=250 * HOUR), now)
        uow.commit()
    return balances.get_balance(
        GetBalance(Caller(member_id="m-1", community_id="co-a", street_id=STREET)), uow
    )


def test_a_balance_shows_the_stars_of_the_street_rules_in_force():
    national = balance_under()
    assert (national.star_level, national.minutes_to_next_star) == (1, 50 * HOUR)
    published = datetime.now(UTC) - timedelta(days=1)
    beijing = balance_under(street_rules("v-bj", published, star_hours=STAR_HOURS_BEIJING))
    assert (beijing.star_level, beijing.minutes_to_next_star) == (2, 250 * HOUR)
