"""The market's copy of members, kept from the members service's events."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jifen.caller import VOLUNTEER, Caller, Grant
from jifen.envelope import Envelope
from jifen.errors import PermissionDenied
from jifen.events.v1 import members_pb2 as events
from jifen.timestamps import to_timestamp
from services.market.domain.catalog import SHOP_OPEN, Shop
from services.market.domain.people import ACTIVE, DEACTIVATED
from services.market.service import event_handlers as member_events
from services.market.service import scope as access
from services.market.service.catalogue import shops
from services.market.service.subscriptions import handlers

from .fakes import HOME, NOW, OTHER

SHOP_A = "shop-a"
SHOP_B = "shop-b"


def envelope(event_type, message, at=NOW):
    return Envelope.wrap(event_type, "members", message, at)


def roles(*shop_ids, volunteer=True):
    found = [events.MemberRole(role="volunteer")] if volunteer else []
    return found + [events.MemberRole(role="staff", shop_id=s) for s in shop_ids]


def registered(member_id="m1", shop_id="", at=NOW):
    message = events.MemberRegistered(
        member_id=member_id,
        name="王小明",
        community_id=HOME.id,
        street_id=HOME.street_id,
        grid_id="gr-1",
        roles=roles(*([shop_id] if shop_id else [])),
        registered_at=to_timestamp(at),
    )
    return envelope("member.registered", message, at)


def updated(member_id="m1", shop_id="", at=NOW, status=ACTIVE, community=HOME, grid_id="gr-1"):
    message = events.MemberUpdated(
        member_id=member_id,
        name="王小明",
        community_id=community.id,
        street_id=community.street_id,
        grid_id=grid_id,
        roles=roles(*([shop_id] if shop_id else [])),
        status=status,
        updated_at=to_timestamp(at),
    )
    return envelope("member.updated", message, at)


def deactivated(member_id="m1", at=NOW):
    return envelope(
        "member.deactivated",
        events.MemberDeactivated(member_id=member_id, reason="搬离", deactivated_at=to_timestamp(at)),
        at,
    )


def reactivated(member_id="m1", at=NOW):
    return envelope(
        "member.reactivated",
        events.MemberReactivated(member_id=member_id, reactivated_at=to_timestamp(at)),
        at,
    )


def staff_of(uow, shop_id):
    shop = Shop(shop_id, HOME.id, shop_id, "地址", "", SHOP_OPEN, NOW, NOW)
    return uow.people.staff_of([shop])[shop_id]


def test_a_registered_member_is_kept_with_their_shop_and_community(uow):
    member_events.member_registered(uow, registered(shop_id=SHOP_A))

    kept = uow.people.member("m1")
    assert (kept.name, kept.community_id, kept.street_id, kept.grid_id) == ("王小明", HOME.id, "st-1", "gr-1")
    assert kept.status == ACTIVE and kept.updated_at == NOW and kept.staff_shop_id == SHOP_A
    # Known before its community.created arrived; that event then names it.
    assert uow.people.community(HOME.id).street_id == "st-1"
    member_events.community_created(
        uow,
        Envelope.wrap(
            "community.created",
            "members",
            events.CommunityCreated(community_id=HOME.id, street_id="st-1", name=HOME.name),
            NOW,
        ),
    )
    assert uow.people.community(HOME.id).name == HOME.name


def test_staff_ids_follow_role_changes(uow):
    member_events.member_registered(uow, registered())
    assert staff_of(uow, SHOP_A) == ()

    member_events.member_updated(uow, updated(shop_id=SHOP_A, at=NOW + timedelta(minutes=1)))
    assert staff_of(uow, SHOP_A) == ("m1",)

    member_events.member_updated(uow, updated(shop_id=SHOP_B, at=NOW + timedelta(minutes=2)))
    assert (staff_of(uow, SHOP_A), staff_of(uow, SHOP_B)) == ((), ("m1",))

    member_events.member_updated(uow, updated(at=NOW + timedelta(minutes=3)))
    assert staff_of(uow, SHOP_B) == ()


def test_a_shop_shows_its_staff_from_the_events(uow):
    uow.shops.add(Shop(SHOP_A, HOME.id, "张苏滩积分超市", "路 1 号", "", SHOP_OPEN, NOW, NOW))
    member_events.member_registered(uow, registered("m1", shop_id=SHOP_A))
    member_events.member_registered(uow, registered("m2"))
    member_events.member_updated(uow, updated("m2", shop_id=SHOP_A, at=NOW + timedelta(seconds=1)))

    assert shops.get_shop(SHOP_A, uow).staff_ids == ("m1", "m2")


def test_an_older_event_is_skipped(uow):
    member_events.member_registered(uow, registered())
    member_events.member_updated(uow, updated(shop_id=SHOP_A, at=NOW + timedelta(minutes=5), grid_id="gr-2"))

    member_events.member_updated(uow, updated(at=NOW + timedelta(minutes=1)))
    member_events.member_deactivated(uow, deactivated(at=NOW + timedelta(minutes=2)))

    kept = uow.people.member("m1")
    assert (kept.staff_shop_id, kept.grid_id, kept.status) == (SHOP_A, "gr-2", ACTIVE)
    assert kept.updated_at == NOW + timedelta(minutes=5)


def test_a_late_registration_does_not_undo_a_later_update(uow):
    member_events.member_updated(uow, updated(shop_id=SHOP_A, at=NOW + timedelta(minutes=5)))
    member_events.member_registered(uow, registered())

    assert uow.people.member("m1").staff_shop_id == SHOP_A


def test_deactivated_staff_leave_the_shop_and_come_back_when_reactivated(uow):
    member_events.member_registered(uow, registered(shop_id=SHOP_A))

    member_events.member_deactivated(uow, deactivated(at=NOW + timedelta(minutes=1)))
    assert uow.people.member("m1").status == DEACTIVATED and staff_of(uow, SHOP_A) == ()

    member_events.member_reactivated(uow, reactivated(at=NOW + timedelta(minutes=2)))
    assert uow.people.member("m1").status == ACTIVE and staff_of(uow, SHOP_A) == ("m1",)


def test_an_update_saying_deactivated_deactivates(uow):
    member_events.member_registered(uow, registered(shop_id=SHOP_A))
    member_events.member_updated(
        uow, updated(shop_id=SHOP_A, status=DEACTIVATED, at=NOW + timedelta(minutes=1))
    )

    assert uow.people.member("m1").status == DEACTIVATED


def test_a_deactivation_of_an_unknown_member_waits_for_the_registration(uow):
    with pytest.raises(LookupError):
        member_events.member_deactivated(uow, deactivated("m-late"))
    with pytest.raises(LookupError):
        member_events.member_reactivated(uow, reactivated("m-late"))
    assert uow.people.member("m-late") is None


def test_a_member_moving_community_is_kept_there(uow):
    member_events.member_registered(uow, registered())
    member_events.member_updated(uow, updated(community=OTHER, at=NOW + timedelta(minutes=1)))

    kept = uow.people.member("m1")
    assert (kept.community_id, kept.street_id) == (OTHER.id, OTHER.street_id)
    assert uow.people.community(OTHER.id) is not None


def test_the_worker_routes_every_members_event_it_needs():
    table = handlers()

    assert set(table) == {
        ("members", "member.registered"),
        ("members", "member.updated"),
        ("members", "member.deactivated"),
        ("members", "member.reactivated"),
        ("members", "community.created"),
    }
    assert table[("members", "member.updated")] is member_events.member_updated


def test_an_old_token_of_a_deactivated_member_is_refused_as_login_refuses_them(uow):
    member_events.member_registered(uow, registered())
    member_events.member_deactivated(uow, deactivated(at=NOW + timedelta(minutes=1)))

    with pytest.raises(PermissionDenied) as refused:
        access.live_caller(Caller(member_id="m1", grants=(Grant(VOLUNTEER),), community_id=HOME.id), uow)

    assert refused.value.message() == "账号已停用，请联系社区管理员"


def test_a_fired_staff_members_token_loses_the_shop_once_the_change_arrives(uow):
    from jifen.caller import STAFF

    member_events.member_registered(uow, registered(shop_id=SHOP_A))
    token = Caller(
        member_id="m1",
        grants=(Grant(VOLUNTEER), Grant(STAFF, shop_id=SHOP_A)),
        community_id=HOME.id,
        street_id=HOME.street_id,
    )
    assert access.staff_shop_id(access.live_caller(token, uow)) == SHOP_A

    member_events.member_updated(uow, updated(at=NOW + timedelta(minutes=1)))

    assert access.live_caller(token, uow).grants == (Grant(VOLUNTEER),)


def test_a_member_copied_before_copies_held_roles_keeps_what_the_token_says(uow):
    from dataclasses import replace

    member_events.member_registered(uow, registered())
    uow.people.put_member(replace(uow.people.member("m1"), grants=None))
    token = Caller(member_id="m1", grants=(Grant(VOLUNTEER),), community_id=HOME.id)

    assert access.live_caller(token, uow) == token
