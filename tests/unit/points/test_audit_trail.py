"""The points audit trail: awards, commendations, adjustments and rule publications of a community."""

from __future__ import annotations

from dataclasses import replace

import pytest

from jifen.errors import InvalidArgument, PermissionDenied
from services.points.domain.audit_trail import ADJUSTMENT, AWARD, COMMENDATION, RULE_PUBLICATION
from services.points.domain.ledger import Account
from services.points.domain.people import ACTIVE, MemberCopy
from services.points.domain.rules import DEFAULT_RULES, Commendation
from services.points.service import audit_trail
from services.points.service.audit_trail import ListAuditEvents
from services.points.service.ledger import awards
from services.points.service.ledger.commands import Adjust, Award, AwardCommendation
from services.points.service.rules import handlers as rules
from services.points.service.rules.commands import PublishRuleVersion

from .fake_rules import HOME, NOW, OTHER, STREET, admin_of, street_admin
from .ledger_setup import Clock


def member(uow, member_id, community):
    uow.people.put_member(MemberCopy(member_id, "志愿者", community.id, STREET, "", ACTIVE, NOW))
    uow.ledger.open(Account(member_id=member_id, community_id=community.id), NOW)


def trail(uow, actor, **fields):
    found, _ = audit_trail.list_audit_events(ListAuditEvents(actor, **fields), uow)
    return [(e.kind, e.actor_id, e.member_id, e.points, e.reason) for e in found]


@pytest.fixture
def uow(rules_uow):
    member(rules_uow, "m-1", HOME)
    member(rules_uow, "m-2", OTHER)
    return rules_uow


def test_what_an_admin_did_is_listed_newest_first_with_who_and_why(uow):
    clock, admin = Clock(), admin_of(HOME)
    commended = replace(DEFAULT_RULES, commendations=(Commendation("优秀志愿者", 200),))
    publication = PublishRuleVersion("r1", admin, commended, community_id=HOME.id, note="表彰", title="新规")
    rules.publish_rule_version(publication, uow, clock)
    clock.advance(minutes=1)
    awards.award(Award("a1", admin, "m-1", 30, "河道清理"), uow, clock)
    clock.advance(minutes=1)
    awards.award_commendation(AwardCommendation("c1", admin, "m-1", "优秀志愿者", "常年值守"), uow, clock)
    clock.advance(minutes=1)
    awards.adjust(Adjust("d1", admin, "m-1", -5, "重复登记"), uow, clock)
    awards.award(Award("a2", admin_of(OTHER), "m-2", 9, "别的社区"), uow, clock)

    found = trail(uow, admin, community_id=HOME.id)

    assert [row[:4] for row in found] == [
        (ADJUSTMENT, admin.member_id, "m-1", -5),
        (COMMENDATION, admin.member_id, "m-1", 200),
        (AWARD, admin.member_id, "m-1", 30),
        (RULE_PUBLICATION, admin.member_id, "", 0),
    ]
    assert found[0][4] == "重复登记" and found[2][4] == "河道清理" and found[3][4] == "新规：表彰"
    assert trail(uow, street_admin(), community_id=HOME.id, kinds=(AWARD,)) == [found[2]]
    with pytest.raises(PermissionDenied):
        trail(uow, admin_of(OTHER), community_id=HOME.id)


def test_a_caller_of_no_community_must_name_one(uow):
    with pytest.raises(InvalidArgument):
        trail(uow, street_admin())
