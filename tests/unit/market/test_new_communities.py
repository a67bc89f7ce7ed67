"""A community created a moment ago, whose community.created has not reached the market yet."""

from __future__ import annotations

import pytest

from jifen.errors import Unavailable
from services.market.domain.people import CommunityCopy
from services.market.service.catalogue import shops
from services.market.service.catalogue.commands import CreateShop

from .fakes import NOW, Clock, FakeDirectory, admin_of, street_admin, town

NEW = CommunityCopy("co-new", "st-1", "新建社区")


def open_shop(uow, actor):
    cmd = CreateShop(
        request_id="shop-new",
        actor=actor,
        community_id=NEW.id,
        name="新建社区积分超市",
        address="新建路 1 号",
        opening_hours="",
    )
    return shops.create_shop(cmd, uow, Clock(NOW))


@pytest.mark.parametrize("actor", [admin_of(NEW), street_admin("st-1")], ids=["community", "street"])
def test_an_admin_opens_a_shop_in_a_community_created_a_moment_ago(actor):
    uow = town()
    uow.directory = FakeDirectory(NEW)
    assert open_shop(uow, actor).community_id == NEW.id
    assert uow.people.community(NEW.id) == NEW


def test_while_members_cannot_be_asked_a_new_community_is_being_synchronised_not_missing():
    uow = town()
    uow.directory = FakeDirectory(NEW)
    uow.directory.reachable = False
    with pytest.raises(Unavailable) as refused:
        open_shop(uow, admin_of(NEW))
    assert refused.value.zh == "社区信息正在同步，请稍后再试"
    assert uow.shops.named(NEW.id, "新建社区积分超市") is None
