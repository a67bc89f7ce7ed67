"""Sessions on the real PostgreSQL: short-lived access tokens renewed by RefreshToken.

The stories that cross services run the members, points and market apis together, with the
members events carried to the others by the in-process bus, as the workers would carry them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import grpc
import pytest
import sqlalchemy as sa

from jifen.bus.in_process import InProcessBus
from jifen.clock import utcnow
from jifen.market.v1 import market_pb2 as mk
from jifen.members.v1 import members_pb2 as m
from jifen.points.v1 import ledger_pb2 as lg
from services.members import bootstrap as members_bootstrap
from tests.integration.conftest import Town
from tests.integration.market_town import MarketTown
from tests.members_client import PASSWORD, bearer, rid

DEACTIVATED = "账号已停用，请联系社区管理员"


def log_in(town: Town, phone: str) -> m.LoginResponse:
    return town.client.members.Login(m.LoginRequest(phone=phone, password=PASSWORD))


def refresh(town: Town, refresh_token: str) -> m.RefreshTokenResponse:
    return town.client.members.RefreshToken(m.RefreshTokenRequest(refresh_token=refresh_token))


def refused(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as err:
        call()
    return err.value


@pytest.fixture
def volunteer(town: Town) -> m.Member:
    # Registered by the admin, so no session of hers exists before the test's own login.
    return town.client.register(
        "陈淑珍",
        "13800000015",
        town.home.community_id,
        town.home_grid.grid_id,
        metadata=bearer(town.admin_token),
    )


def test_an_access_token_lives_fifteen_minutes_and_the_refresh_token_thirty_days(town, volunteer):
    before = utcnow()
    session = log_in(town, "13800000015")

    access_expires = session.expires_at.ToDatetime().replace(tzinfo=before.tzinfo)
    refresh_expires = session.refresh_expires_at.ToDatetime().replace(tzinfo=before.tzinfo)
    assert timedelta(minutes=14) < access_expires - before <= timedelta(minutes=15, seconds=1)
    assert timedelta(days=29) < refresh_expires - before <= timedelta(days=30, seconds=1)
    assert session.refresh_token and session.refresh_token != session.access_token


def test_the_refresh_token_is_stored_only_as_a_hash(town, volunteer, pg_settings):
    session = log_in(town, "13800000015")

    engine = sa.create_engine(pg_settings.members_db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("select * from refresh_tokens where member_id = :id"), {"id": volunteer.member_id}
        ).all()
    engine.dispose()
    assert len(rows) == 1
    assert session.refresh_token not in repr(rows)


def test_a_refresh_token_used_twice_is_refused_the_second_time_and_ends_the_session(town, volunteer):
    first = log_in(town, "13800000015")
    second = refresh(town, first.refresh_token)

    reused = refused(lambda: refresh(town, first.refresh_token))
    ended = refused(lambda: refresh(town, second.refresh_token))

    assert reused.code() == grpc.StatusCode.UNAUTHENTICATED and "已使用过" in reused.details()
    assert (ended.code(), ended.details()) == (grpc.StatusCode.UNAUTHENTICATED, "登录已失效，请重新登录")


def test_six_refreshes_racing_with_one_token_get_exactly_one_new_token(town, volunteer):
    session = log_in(town, "13800000015")

    def attempt(_):
        try:
            return refresh(town, session.refresh_token)
        except grpc.RpcError as err:
            return err

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(attempt, range(6)))

    renewed = [a for a in answers if isinstance(a, m.RefreshTokenResponse)]
    assert len(renewed) == 1
    assert {a.code() for a in answers if isinstance(a, grpc.RpcError)} == {grpc.StatusCode.UNAUTHENTICATED}


def test_a_deactivated_members_refresh_is_refused_with_the_login_answer(town, volunteer):
    session = log_in(town, "13800000015")
    town.client.members.DeactivateMember(
        m.DeactivateMemberRequest(request_id=rid(), member_id=volunteer.member_id, reason="搬离社区"),
        metadata=bearer(town.admin_token),
    )

    refusal = refused(lambda: refresh(town, session.refresh_token))

    assert (refusal.code(), refusal.details()) == (grpc.StatusCode.PERMISSION_DENIED, DEACTIVATED)


def test_an_expired_refresh_token_is_refused(town, volunteer, pg_settings):
    session = log_in(town, "13800000015")
    # Thirty days pass for this token.
    engine = sa.create_engine(pg_settings.members_db_url)
    with engine.begin() as conn:
        expire = "update refresh_tokens set expires_at = now() - interval '1 second' where member_id = :id"
        conn.execute(sa.text(expire), {"id": volunteer.member_id})
    engine.dispose()

    refusal = refused(lambda: refresh(town, session.refresh_token))

    assert (refusal.code(), refusal.details()) == (grpc.StatusCode.UNAUTHENTICATED, "登录已过期，请重新登录")


def test_logout_ends_the_session_and_a_second_logout_answers_the_same(town, volunteer):
    session = refresh(town, log_in(town, "13800000015").refresh_token)

    town.client.members.Logout(m.LogoutRequest(refresh_token=session.refresh_token))
    town.client.members.Logout(m.LogoutRequest(refresh_token=session.refresh_token))

    assert refused(lambda: refresh(town, session.refresh_token)).code() == grpc.StatusCode.UNAUTHENTICATED


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("", grpc.StatusCode.INVALID_ARGUMENT),
        ("x" * 5000, grpc.StatusCode.INVALID_ARGUMENT),
        ("not-a-token-members-issued", grpc.StatusCode.UNAUTHENTICATED),
    ],
)
def test_a_missing_overlong_or_unknown_refresh_token_is_refused_and_changes_nothing(
    town, volunteer, token, code
):
    session = log_in(town, "13800000015")

    assert refused(lambda: refresh(town, token)).code() == code
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        logout = refused(lambda: town.client.members.Logout(m.LogoutRequest(refresh_token=token)))
        assert (logout.code(), logout.details().split(":")[0]) == (code, "refresh_token")

    assert refresh(town, session.refresh_token).access_token


# --- Across services: a new role works at once after a refresh ---


@pytest.fixture
def bus(town: Town, pg_settings, market_town: MarketTown):
    """Members events to the points and market consumers, delivered whenever a story drains it."""
    members_parts = members_bootstrap.build_events(pg_settings)
    bus = InProcessBus([members_parts, market_town.points.parts, market_town.parts])
    yield bus
    members_parts.close()


def test_a_shop_assistant_appointed_by_set_roles_confirms_after_a_refresh_without_logging_in_again(
    town, market_town, bus, volunteer
):
    market = market_town.market
    admin = bearer(town.admin_token)
    buyer = town.client.register("王秀兰", "13800000011", town.home.community_id, town.home_grid.grid_id)
    assistant = log_in(town, "13800000015")
    bus.drain()
    shop = market.CreateShop(
        mk.CreateShopRequest(
            request_id=rid(),
            community_id=town.home.community_id,
            name="张苏滩积分超市",
            address="服务中心一楼",
        ),
        metadata=admin,
    ).shop
    towel = market.CreateItem(
        mk.CreateItemRequest(
            request_id=rid(), shop_id=shop.shop_id, name="毛巾", points_price=20, initial_stock=5
        ),
        metadata=admin,
    ).item
    market_town.points.ledger.Award(
        lg.AwardRequest(request_id=rid(), member_id=buyer.member_id, points=50, reason="防汛值守"),
        metadata=admin,
    )
    order = market.PlaceRedemption(
        mk.PlaceRedemptionRequest(request_id=rid(), item_id=towel.item_id, quantity=1),
        metadata=bearer(log_in(town, "13800000011").access_token),
    ).redemption
    town.client.set_roles(
        town.admin_token,
        volunteer.member_id,
        m.RoleGrant(role=m.ROLE_VOLUNTEER),
        m.RoleGrant(role=m.ROLE_STAFF, shop_id=shop.shop_id),
    )
    bus.drain()

    def confirm(access_token: str):
        return market.ConfirmRedemption(
            mk.ConfirmRedemptionRequest(request_id=rid(), pickup_code=order.pickup_code),
            metadata=bearer(access_token),
        ).redemption

    # The token from before the appointment says volunteer: the counter turns them away.
    assert refused(lambda: confirm(assistant.access_token)).code() == grpc.StatusCode.PERMISSION_DENIED
    renewed = refresh(town, assistant.refresh_token)

    assert {r.role for r in renewed.member.roles} == {m.ROLE_VOLUNTEER, m.ROLE_STAFF}
    assert confirm(renewed.access_token).status == mk.REDEMPTION_STATUS_COLLECTED


def test_a_community_admin_appointed_by_set_roles_awards_points_after_a_refresh(
    town, market_town, bus, volunteer
):
    ledger = market_town.points.ledger
    resident = town.client.register("李建国", "13800000012", town.home.community_id, town.home_grid.grid_id)
    appointee = log_in(town, "13800000015")
    town.client.set_roles(
        town.admin_token,
        volunteer.member_id,
        m.RoleGrant(role=m.ROLE_ADMIN, community_id=town.home.community_id),
    )
    bus.drain()

    def award(access_token: str):
        return ledger.Award(
            lg.AwardRequest(request_id=rid(), member_id=resident.member_id, points=10, reason="楼道清扫"),
            metadata=bearer(access_token),
        )

    assert refused(lambda: award(appointee.access_token)).code() == grpc.StatusCode.PERMISSION_DENIED
    # Members itself re-reads the caller: the new admin acts there at once, even with the old token.
    town.client.directory.CreateGrid(
        m.CreateGridRequest(request_id=rid(), community_id=town.home.community_id, name="第九网格"),
        metadata=bearer(appointee.access_token),
    )
    renewed = refresh(town, appointee.refresh_token)

    assert award(renewed.access_token).entry.amount == 10
