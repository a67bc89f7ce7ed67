"""A community created a moment ago, whose community.created has not reached points yet."""

from __future__ import annotations

import pytest

from jifen.errors import NotFound, Unavailable
from services.points.domain.people import CommunityCopy

from .fake_activities import STREET, admin_of, plan
from .fakes import FakeDirectory

NEW = CommunityCopy("co-new", STREET, "新建社区")


@pytest.fixture
def town(town, uow):
    # The shared town, with its admin moved to a community that only the members service knows yet.
    town.admin = admin_of(NEW.id, town.admin.member_id)
    uow.directory = FakeDirectory(NEW)
    return town


def test_an_admin_plans_an_activity_in_a_community_created_a_moment_ago(uow, town):
    planned = plan(uow, town, community_id=NEW.id)
    assert planned.community_id == NEW.id
    assert uow.people.community(NEW.id) == NEW


def test_while_members_cannot_be_asked_a_new_community_is_being_synchronised_not_missing(uow, town):
    uow.directory.reachable = False
    with pytest.raises(Unavailable) as refused:
        plan(uow, town, community_id=NEW.id)
    assert refused.value.zh == "社区信息正在同步，请稍后再试"
    assert uow.people.community(NEW.id) is None


def test_a_community_members_does_not_have_either_is_not_found(uow, town):
    with pytest.raises(NotFound) as refused:
        plan(uow, town, community_id="co-nowhere")
    assert refused.value.zh == "社区不存在"
