"""The ledger as members and the market see it: balances, statements, awards, holds and expiry."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from jifen.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from jifen.ids import new_id
from jifen.member_copies import live_caller
from services.points.domain.ledger import FROZEN
from services.points.domain.people import DEACTIVATED
from services.points.domain.rules import DEFAULT_RULES, Commendation, RuleVersion
from services.points.service import jobs
from services.points.service.ledger import awards, balances
from services.points.service.ledger.commands import Adjust, Award, AwardCommendation, GetBalance, ListEntries

from .fakes import FixedRules
from .ledger_setup import (
    HOME,
    MARKET,
    NOW,
    OTHER,
    Clock,
    admin_of,
    capture,
    give,
    grid_worker,
    hold,
    release,
    take,
    volunteer,
)


def raises_field(field: str):
    """Bad input names the field it is about."""
    return pytest.raises(InvalidArgument, check=lambda exc: exc.field == field)


def balance(uow, member_id):
    return balances.get_balance(GetBalance(MARKET, member_id), uow)


def test_award_adds_points_as_a_lot_that_expires_at_the_end_of_next_year(uow):
    volunteer(uow, "v1")
    done = awards.award(Award("r1", admin_of(HOME), "v1", 120, "社区活动表现突出"), uow, Clock())
    assert (done.balance.available, done.balance.lifetime_earned) == (120, 120)
    assert done.entry.reason == "社区活动表现突出"
    # Default rules: points expire at the end of the following year, Beijing time.
    assert done.entry.lot_expires_at == datetime(2027, 12, 31, 16, 0, tzinfo=UTC)
    assert (done.balance.next_expiry_points, done.balance.next_expiry_at) == (120, done.entry.lot_expires_at)
    assert uow.event_types == ["points.awarded"]


def test_commendation_points_come_from_the_rules_in_force_and_the_statement_says_so(uow):
    volunteer(uow, "v1")
    rules = FixedRules(
        RuleVersion(
            "rv-home",
            HOME.id,
            "",
            NOW - timedelta(days=1),
            DEFAULT_RULES.__class__(
                **{**DEFAULT_RULES.__dict__, "commendations": (Commendation("优秀志愿者", 300),)}
            ),
        )
    )
    uow.rules = rules
    done = awards.award_commendation(
        AwardCommendation("r1", admin_of(HOME), "v1", "优秀志愿者", "2026年度"), uow, Clock()
    )
    assert done.entry.amount == 300
    assert done.entry.rule_version_id == "rv-home"
    assert "优秀志愿者" in done.entry.reason and "2026年度" in done.entry.reason
    assert "300" in done.entry.calculation
    with pytest.raises(FailedPrecondition, match="文明家庭"):
        awards.award_commendation(AwardCommendation("r2", admin_of(HOME), "v1", "文明家庭"), uow, Clock())


def test_adjust_may_take_back_but_never_below_zero(uow):
    volunteer(uow, "v1")
    give(uow, "v1", 50, "g1")
    take(uow, "v1", 30, "t1")
    assert balance(uow, "v1").available == 20
    with pytest.raises(FailedPrecondition, match="only 20 points"):
        take(uow, "v1", 21, "t2")
    assert balance(uow, "v1").available == 20
    with raises_field("reason"):
        awards.adjust(Adjust("t3", admin_of(HOME), "v1", -5, "  "), uow, Clock())
    with raises_field("points"):
        awards.adjust(Adjust("t4", admin_of(HOME), "v1", 0, "x"), uow, Clock())


@pytest.mark.parametrize(
    ("actor", "target"),
    [(admin_of(OTHER), "v1"), (admin_of(HOME), "admin-co-a")],
    ids=["admin of another community", "an admin awarding themselves"],
)
def test_awards_stay_in_the_admins_scope_and_never_to_oneself(uow, actor, target):
    volunteer(uow, "v1")
    volunteer(uow, "admin-co-a")
    with pytest.raises(PermissionDenied):
        awards.award(Award("r1", actor, target, 10, "x"), uow, Clock())
    assert uow.ledger.entry_rows == []


def test_award_to_an_unknown_member_is_not_found_and_writes_nothing(uow):
    with pytest.raises(NotFound):
        awards.award(Award("r1", admin_of(HOME), "ghost", 10, "x"), uow, Clock())
    assert uow.outbox.events == []


def test_the_same_request_id_posts_once_and_a_different_request_is_refused(uow):
    volunteer(uow, "v1")
    first = awards.award(Award("same", admin_of(HOME), "v1", 10, "x"), uow, Clock())
    again = awards.award(Award("same", admin_of(HOME), "v1", 10, "x"), uow, Clock())
    assert again.entry.id == first.entry.id
    assert balance(uow, "v1").available == 10
    with pytest.raises(AlreadyExists):
        awards.award(Award("same", admin_of(HOME), "v1", 11, "x"), uow, Clock())


def test_hold_capture_spends_and_release_returns(uow):
    volunteer(uow, "v1")
    give(uow, "v1", 500, "g1")
    held = hold(uow, "red-1", "v1", 300)
    assert (held.balance.available, held.balance.held) == (200, 300)
    assert capture(uow, "red-1").state == "captured"
    assert (balance(uow, "v1").available, balance(uow, "v1").held) == (200, 0)
    hold(uow, "red-2", "v1", 150)
    assert release(uow, "red-2").state == "released"
    after = balance(uow, "v1")
    assert (after.available, after.held, after.lifetime_earned) == (200, 0, 500)


def test_insufficient_points_fail_the_hold_and_change_nothing(uow):
    volunteer(uow, "v1")
    give(uow, "v1", 100, "g1")
    with pytest.raises(FailedPrecondition, match="insufficient points"):
        hold(uow, "red-1", "v1", 101)
    assert (balance(uow, "v1").available, balance(uow, "v1").held) == (100, 0)
    assert uow.ledger.hold("red-1") is None


def test_a_hold_resolves_exactly_once(uow):
    volunteer(uow, "v1")
    give(uow, "v1", 100, "g1")
    hold(uow, "red-1", "v1", 60)
    capture(uow, "red-1")
    assert capture(uow, "red-1").state == "captured"  # a retry returns the hold
    with pytest.raises(FailedPrecondition, match="captured"):
        release(uow, "red-1")
    hold(uow, "red-2", "v1", 40)
    release(uow, "red-2")
    assert release(uow, "red-2").state == "released"
    with pytest.raises(FailedPrecondition):
        capture(uow, "red-2")
    assert balance(uow, "v1").available == 40


def test_the_same_hold_id_returns_the_hold_and_another_amount_is_refused(uow):
    volunteer(uow, "v1")
    give(uow, "v1", 100, "g1")
    first = hold(uow, "red-1", "v1", 60)
    clock = Clock()
    again = hold(uow, "red-1", "v1", 60, clock)  # a retry by the market with a fresh request id
    assert again.hold.created_at == first.hold.created_at
    assert balance(uow, "v1").held == 60
    with pytest.raises((AlreadyExists, FailedPrecondition)):
        hold(uow, "red-1", "v1", 70)


def test_release_before_hold_leaves_a_tombstone_so_a_late_hold_is_refused(uow):
    volunteer(uow, "v1")
    give(uow, "v1", 100, "g1")
    assert release(uow, "red-9").amount == 0
    with pytest.raises(FailedPrecondition, match="already released"):
        hold(uow, "red-9", "v1", 10)
    assert balance(uow, "v1").available == 100


def test_a_frozen_account_cannot_hold_but_keeps_its_points(uow):
    volunteer(uow, "v1")
    give(uow, "v1", 100, "g1")
    uow.ledger.set_status("v1", FROZEN, NOW)
    with pytest.raises(FailedPrecondition, match="frozen"):
        hold(uow, "red-1", "v1", 10)
    assert balance(uow, "v1").status == FROZEN
    give(uow, "v1", 5, "g2")  # earning still posts
    assert balance(uow, "v1").available == 105


def test_hold_input_is_checked_before_anything_is_written(uow):
    volunteer(uow, "v1")
    give(uow, "v1", 100, "g1")
    with raises_field("amount"):
        hold(uow, "red-1", "v1", 0)
    with raises_field("deadline"):
        hold(uow, "red-1", "v1", 10, days=-1)
    with pytest.raises(NotFound):
        hold(uow, "red-1", "ghost", 10)
    assert uow.ledger.hold_rows == {}


def test_spending_takes_the_oldest_lots_first_and_expiry_takes_what_is_left(uow):
    volunteer(uow, "v1")
    clock = Clock(datetime(2025, 3, 1, tzinfo=UTC))
    give(uow, "v1", 100, "old", clock)  # expires end of 2026
    clock.advance(days=400)
    give(uow, "v1", 50, "new", clock)  # expires end of 2027
    hold(uow, "red-1", "v1", 80, clock)
    capture(uow, "red-1", clock)
    clock.now = datetime(2027, 1, 1, tzinfo=UTC)
    assert jobs.expire_lots(lambda: uow, clock) == 1
    after = balance(uow, "v1")
    # 20 of the old lot were left and expired; the newer 50 remain.
    assert after.available == 50
    expiry = uow.ledger.entry_rows[-1]
    assert (expiry.kind, expiry.amount, expiry.balance_after) == ("expiry", -20, 50)
    assert "points.expired" in uow.event_types
    assert jobs.expire_lots(lambda: uow, clock) == 0


def test_a_hold_past_its_deadline_is_released_by_the_worker(uow):
    volunteer(uow, "v1")
    give(uow, "v1", 100, "g1")
    clock = Clock()
    hold(uow, "red-1", "v1", 70, clock, days=1)
    clock.advance(days=1, seconds=1)
    assert jobs.release_overdue_holds(lambda: uow, clock) == 1
    assert uow.ledger.hold("red-1").state == "expired"
    assert balance(uow, "v1").available == 100
    with pytest.raises(FailedPrecondition):
        capture(uow, "red-1", clock)


def test_the_statement_is_newest_first_with_a_reason_for_every_entry(uow):
    volunteer(uow, "v1")
    give(uow, "v1", 100, "g1")
    hold(uow, "red-1", "v1", 30)
    capture(uow, "red-1")
    found, _ = balances.list_entries(ListEntries(admin_of(HOME), "v1"), uow)
    assert [e.kind for e in found] == ["capture", "hold", "award"]
    assert all(e.reason for e in found)
    only_awards, _ = balances.list_entries(ListEntries(admin_of(HOME), "v1", kinds=("award",)), uow)
    assert [e.kind for e in only_awards] == ["award"]


def test_who_may_read_an_account(uow):
    volunteer(uow, "v1", grid="gr-1")
    volunteer(uow, "v2")
    assert balances.get_balance(GetBalance(volunteer(uow, "v1")), uow).member_id == "v1"
    assert balances.get_balance(GetBalance(grid_worker("gr-1"), "v1"), uow).member_id == "v1"
    for stranger in (volunteer(uow, "v2"), admin_of(OTHER), grid_worker("gr-9")):
        with pytest.raises(PermissionDenied):
            balances.get_balance(GetBalance(stranger, "v1"), uow)
        with pytest.raises(PermissionDenied):
            balances.list_entries(ListEntries(stranger, "v1"), uow)


def test_an_old_token_of_a_deactivated_member_is_refused_as_login_refuses_them(uow):
    me = volunteer(uow, "v-gone")
    uow.people.put_member(replace(uow.people.member("v-gone"), status=DEACTIVATED))

    with pytest.raises(PermissionDenied) as refused:
        live_caller(me, uow)

    assert refused.value.message() == "账号已停用，请联系社区管理员"


# A ULID as jifen.ids makes them (any case): what a volunteer must never read on their statement.
ULID = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}(?![0-9A-Za-z])")


def test_the_commendation_line_names_the_rule_version_by_its_title_and_date_never_by_its_id(uow):
    volunteer(uow, "v1")
    version_id = new_id()
    rules = replace(DEFAULT_RULES, commendations=(Commendation("优秀志愿者", 300),))
    # Midnight of 1 March 2026 in Beijing.
    since = datetime(2026, 2, 28, 16, 0, tzinfo=UTC)
    uow.rules = FixedRules(RuleVersion(version_id, HOME.id, "", since, rules, title="张苏滩社区积分办法"))

    cmd = AwardCommendation("r1", admin_of(HOME), "v1", "优秀志愿者")
    done = awards.award_commendation(cmd, uow, Clock())

    assert done.entry.calculation == "「优秀志愿者」按「张苏滩社区积分办法」（2026年3月1日起施行）计 300 分"
    assert done.entry.rule_version_id == version_id
    assert not ULID.search(done.entry.calculation + done.entry.reason)


def test_under_the_built_in_rules_the_commendation_line_names_them_so(uow):
    volunteer(uow, "v1")
    done = awards.award_commendation(AwardCommendation("r1", admin_of(HOME), "v1", "文明家庭"), uow, Clock())
    assert done.entry.calculation == "「文明家庭」按「内置默认积分规则」计 100 分"


def test_no_statement_line_shows_an_id(uow):
    volunteer(uow, "v1")
    clock = Clock()
    give(uow, "v1", 500, "g1", clock)
    good_deed = AwardCommendation("c1", admin_of(HOME), "v1", "好人好事", "扶老人过马路")
    awards.award_commendation(good_deed, uow, clock)
    awards.adjust(Adjust("a1", admin_of(HOME), "v1", 20, "补记上月活动"), uow, clock)
    take(uow, "v1", 10, "t1", clock)
    hold(uow, new_id(), "v1", 100, clock)
    captured = hold(uow, new_id(), "v1", 50, clock)
    capture(uow, captured.hold.id, clock)
    released = hold(uow, new_id(), "v1", 30, clock)
    release(uow, released.hold.id, clock)
    hold(uow, new_id(), "v1", 40, clock, days=1)
    clock.advance(days=2)
    assert jobs.release_overdue_holds(lambda: uow, clock) == 1
    clock.advance(days=800)
    assert jobs.expire_lots(lambda: uow, clock) == 1

    entries = balances.list_entries(ListEntries(admin_of(HOME), "v1"), uow)[0]
    assert {e.kind for e in entries} == {"award", "adjustment", "hold", "capture", "release", "expiry"}
    for entry in entries:
        assert entry.reason and not ULID.search(entry.reason), entry
        assert not ULID.search(entry.calculation), entry
