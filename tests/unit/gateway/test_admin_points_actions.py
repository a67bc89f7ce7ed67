"""The admin console's points actions with in-memory stand-ins for the services: the rule editor's
draft, its preview of last month and the publish that needs that preview; adjustments and awards."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from jifen.caller import ADMIN, Caller, Grant
from jifen.points.v1 import ledger_pb2 as lpb
from jifen.points.v1 import rules_pb2 as rpb
from services.gateway.adapters.grpc_calls import Credentials
from services.gateway.entrypoints.i18n import text
from services.gateway.service import admin_points, admin_rules
from services.gateway.service.errors import ActionError, Kind
from services.gateway.service.gateway import Services
from services.gateway.service.session import Session
from services.gateway.service.views_points import RuleDraft
from tests.unit.gateway.stand_ins import Nothing

NOW = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)  # 01:30 on 1 December in Beijing
IN_FORCE = rpb.RuleVersion(
    rule_version_id="v1",
    community_id="c1",
    title="张苏滩社区志愿服务积分办法",
    rules=rpb.RuleSet(
        points_per_hour=10,
        difficulty_multipliers=[100, 120, 150, 180, 200],
        category_multipliers={"emergency": 120},
        rounding_minutes=30,
        rounding_mode=rpb.ROUNDING_MODE_DOWN,
        daily_hour_cap_minutes=480,
        commendations=[rpb.Commendation(name="优秀志愿者", points=200)],
        expiry_policy=rpb.EXPIRY_POLICY_END_OF_YEAR,
        expiry_value=1,
    ),
)


class Rules:
    def __init__(self):
        self.previewed = []
        self.published = []

    def rule_in_force(self, who, community_id):
        return IN_FORCE

    def preview_rules(self, who, community_id, rules, start, end):
        self.previewed.append((community_id, rules, start, end))
        row = rpb.PreviewMemberRow(member_id="m2", member_name="王秀兰", current_points=24, draft_points=36)
        row.difference = 12
        return rpb.PreviewRuleVersionResponse(
            rows=[row], total_current_points=24, total_draft_points=36, member_count=1
        )

    def publish_rules(self, who, request):
        self.published.append(request)
        return rpb.RuleVersion(rule_version_id="v2", community_id="c1", title="新规则", rules=request.rules)


class Previews:
    def __init__(self):
        self.shown = {}

    def remember(self, member_id, draft_digest):
        token = f"t{len(self.shown)}"
        self.shown[(member_id, token)] = draft_digest
        return token

    def digest_of(self, member_id, token):
        return self.shown.get((member_id, token), "")


def admin_of(community_id: str = "c1", member_id: str = "a1") -> Session:
    caller = Caller(
        member_id=member_id, name="孙丽娟", community_id=community_id, grants=(Grant(ADMIN, community_id),)
    )
    return Session("token", caller, Credentials("token", "zh"), text("zh"))


def services(points=None) -> Services:
    return Services(Nothing(), points or Nothing(), Nothing(), clock=lambda: NOW)


def a_draft(**changes) -> RuleDraft:
    return admin_rules.draft_of(IN_FORCE).model_copy(update=changes)


def test_the_preview_covers_the_calendar_month_before_today_in_beijing():
    rules = Rules()
    shown = admin_rules.preview(services(rules), admin_of(), Previews(), "c1", a_draft(points_per_hour=15))
    _, sent, start, end = rules.previewed[0]
    assert shown.month == "2026-11"
    assert start.astimezone(UTC) == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert sent.points_per_hour == 15 and list(sent.difficulty_multipliers) == [100, 120, 150, 180, 200]
    assert (shown.total_current_points, shown.total_draft_points, shown.total_difference) == (24, 36, 12)
    assert shown.in_force_title == "张苏滩社区志愿服务积分办法"


def test_publishing_needs_the_preview_of_exactly_this_draft_by_this_admin():
    rules, previews = Rules(), Previews()
    draft = a_draft(points_per_hour=15, effective_date=date(2026, 12, 10))
    token = admin_rules.preview(services(rules), admin_of(), previews, "c1", draft).preview_token
    attempts = [
        (admin_of(), draft, ""),
        (admin_of(), draft, "made-up"),
        (admin_of(), a_draft(points_per_hour=16, effective_date=date(2026, 12, 10)), token),
        (admin_of(member_id="a2"), draft, token),
    ]
    for me, sent, presented in attempts:
        with pytest.raises(ActionError) as refused:
            admin_rules.publish(services(rules), me, previews, "c1", sent, presented, "r1")
        assert refused.value.kind is Kind.CONFLICT and "预览" in refused.value.message
    assert rules.published == []
    published = admin_rules.publish(services(rules), admin_of(), previews, "c1", draft, token, "r1")
    assert published.rule_version_id == "v2"
    request = rules.published[0]
    # Takes effect at midnight of 10 December in Beijing.
    assert request.effective_from.ToDatetime(UTC) == datetime(2026, 12, 9, 16, 0, tzinfo=UTC)
    assert request.community_id == "c1" and request.request_id == "r1"


def test_a_draft_for_today_takes_effect_when_published_and_one_for_yesterday_is_refused():
    rules, previews = Rules(), Previews()
    today = a_draft(effective_date=date(2026, 12, 1))
    token = admin_rules.preview(services(rules), admin_of(), previews, "c1", today).preview_token
    admin_rules.publish(services(rules), admin_of(), previews, "c1", today, token, "r1")
    assert not rules.published[0].HasField("effective_from")
    with pytest.raises(ActionError) as refused:
        admin_rules.preview(
            services(rules), admin_of(), previews, "c1", a_draft(effective_date=date(2026, 11, 30))
        )
    assert refused.value.message == "生效日期不能早于今天" and refused.value.field == "effective_date"


def test_an_admin_of_one_community_previews_nothing_of_another():
    with pytest.raises(ActionError) as refused:
        admin_rules.preview(services(Rules()), admin_of(), Previews(), "c2", a_draft())
    assert refused.value.kind is Kind.FORBIDDEN


def test_the_editor_form_gives_back_the_draft_it_was_filled_from():
    draft = a_draft(
        title="2027年办法",
        note="提高应急任务系数",
        effective_date=date(2027, 1, 1),
        category_multipliers={"emergency": 125},
    )
    form = admin_rules.form_of(draft)
    assert (
        form["difficulty_2"] == "1.2"
        and form["category_emergency"] == "1.25"
        and form["daily_cap_hours"] == "8"
    )
    assert admin_rules.draft_from_form(admin_of(), form) == draft


@pytest.mark.parametrize(
    ("field", "typed", "sentence"),
    [
        ("difficulty_3", "1.555", "难度系数请填写如 1.2 这样的数"),
        ("points_per_hour", "十", "每小时积分请填写整数"),
        ("daily_cap_hours", "7.51", "每日时长上限请填写小时数"),
        ("effective_date", "2027/01/01", "生效日期请按 2026-03-01 的格式填写"),
        ("commendation_points_0", "两百", "表彰积分请填写整数"),
    ],
)
def test_a_parameter_typed_wrong_is_a_sentence_beside_its_field(field, typed, sentence):
    form = dict(admin_rules.form_of(a_draft()), **{field: typed})
    with pytest.raises(ActionError) as refused:
        admin_rules.draft_from_form(admin_of(), form)
    assert refused.value.field == field and refused.value.message.startswith(sentence)


def test_an_emptied_commendation_row_drops_the_commendation():
    form = dict(admin_rules.form_of(a_draft()), commendation_name_0="", commendation_points_0="")
    form.update(commendation_name_1="文明家庭", commendation_points_1="100")
    assert admin_rules.draft_from_form(admin_of(), form).commendations == {"文明家庭": 100}


def test_a_commendation_named_twice_is_refused_beside_the_second():
    form = dict(admin_rules.form_of(a_draft()), commendation_name_1="优秀志愿者", commendation_points_1="300")
    with pytest.raises(ActionError) as refused:
        admin_rules.draft_from_form(admin_of(), form)
    assert refused.value.field == "commendation_name_1" and refused.value.message == "表彰名称不能重复"


@pytest.mark.parametrize(
    ("points", "reason", "field"), [("50", "", "reason"), ("0", "补录", "points"), ("5.5", "补录", "points")]
)
def test_an_adjustment_without_a_reason_or_whole_points_never_reaches_points(points, reason, field):
    with pytest.raises(ActionError) as refused:
        admin_points.adjust(services(), admin_of(), "m2", points, reason, "r1")
    assert refused.value.kind is Kind.INVALID and refused.value.field == field


def test_a_commendation_for_nobody_never_reaches_points():
    with pytest.raises(ActionError) as refused:
        admin_points.award_commendation(services(), admin_of(), [" ", ""], "优秀志愿者", "", "r1")
    assert refused.value.field == "member_ids"


class Ledger:
    def __init__(self):
        self.asked = []

    def bulk_award_commendation(self, who, request_id, member_ids, commendation, citation):
        self.asked.append(member_ids)
        return lpb.BulkAwardCommendationResponse(
            entries=[lpb.LedgerEntry(member_id=m, amount=200) for m in member_ids],
            balances=[lpb.Balance(member_id=m, available=200) for m in member_ids],
        )


def test_a_member_ticked_twice_is_commended_once():
    ledger = Ledger()
    done = admin_points.award_commendation(
        services(ledger), admin_of(), ["m2", "m3", "m2"], "优秀志愿者", "", "r1"
    )
    assert ledger.asked == [["m2", "m3"]]
    assert [m.member_id for m in done.members] == ["m2", "m3"] and "2 人" in done.message
