"""The pickup-code key lives in a secret file, not in the market's database, and rotates."""

from __future__ import annotations

from dataclasses import replace

import grpc
import pytest
import sqlalchemy as sa

from jifen.ids import new_id
from jifen.key_files import read_ring, rotate_ring
from jifen.market.v1 import market_pb2 as mk
from jifen.redis_client import connect
from services.market import bootstrap
from services.market.adapters import tables
from services.market.adapters.unit_of_work import MarketUnitOfWork
from services.market.domain.pickup import LEGACY_KEY_ID, PickupKey
from services.market.service.redemptions import jobs
from tests.conftest import free_port
from tests.integration.market_town import MarketTown
from tests.integration.rpc_errors import code_of as _code


@pytest.fixture
def counter(market_town: MarketTown):
    town = market_town
    admin = town.points.admin("a-keys")
    shop = town.shop(admin)
    item = town.item(admin, shop.shop_id, price=10, stock=10, name="毛巾")
    volunteer = town.volunteer("v-keys")
    town.fund(volunteer, 100)
    return item, volunteer, town.staff("s-keys", shop.shop_id)


def _qr(town: MarketTown, volunteer, redemption_id: str) -> str:
    return town.market.GetPickupQr(
        mk.GetPickupQrRequest(redemption_id=redemption_id, format=mk.QR_IMAGE_FORMAT_SVG),
        metadata=town.token(volunteer),
    ).qr_payload


def test_a_database_dump_holds_no_pickup_key(market_town: MarketTown, counter):
    town = market_town
    item, volunteer, _ = counter
    order = town.place(volunteer, item.item_id)
    _qr(town, volunteer, order.redemption_id)
    keys = [secret.hex() for _, secret in read_ring(town.settings.pickup_key_path)]

    dump = sa.MetaData()
    dump.reflect(town.engine)
    with town.engine.connect() as connection:
        cells = [
            str(value)
            for table in dump.sorted_tables
            for row in connection.execute(sa.select(table))
            for value in row
        ]
        kept = connection.execute(sa.select(tables.secrets)).all()

    assert kept == []
    assert not [cell for cell in cells if any(key in cell for key in keys)]
    assert not [cell for cell in cells if order.pickup_code in cell]


def test_a_reissued_codes_old_qr_is_refused(market_town: MarketTown, counter):
    town = market_town
    item, volunteer, clerk = counter
    order = town.place(volunteer, item.item_id)
    old_qr = _qr(town, volunteer, order.redemption_id)

    town.market.ReissuePickupCode(
        mk.ReissuePickupCodeRequest(request_id=new_id(), redemption_id=order.redemption_id),
        metadata=town.token(volunteer),
    )

    assert _code(lambda: town.confirm(clerk, qr_payload=old_qr)) == grpc.StatusCode.NOT_FOUND
    new_qr = _qr(town, volunteer, order.redemption_id)
    assert town.confirm(clerk, qr_payload=new_qr).status == mk.REDEMPTION_STATUS_COLLECTED


def test_rotation_keeps_codes_issued_under_the_previous_key_valid(market_town: MarketTown, counter):
    town = market_town
    item, volunteer, clerk = counter
    before = town.place(volunteer, item.item_id)
    before_qr_order = town.place(volunteer, item.item_id)
    old_qr = _qr(town, volunteer, before_qr_order.redemption_id)

    # The operator rotates the key and restarts the market api, which reads the ring at start.
    rotate_ring(town.settings.pickup_key_path)
    port = free_port()
    settings = town.settings.model_copy(
        update={"market_bind": f"127.0.0.1:{port}", "market_target": f"127.0.0.1:{port}"}
    )
    restarted = bootstrap.build_api(settings, connect(settings.redis_url))
    restarted.start()
    channel = grpc.insecure_channel(settings.market_target)
    try:
        after_restart = replace(town, settings=settings, channel=channel)
        after = after_restart.place(volunteer, item.item_id)

        shown = (
            {"pickup_code": before.pickup_code},
            {"qr_payload": old_qr},
            {"pickup_code": after.pickup_code},
        )
        for presented in shown:
            assert after_restart.confirm(clerk, **presented).status == mk.REDEMPTION_STATUS_COLLECTED
    finally:
        channel.close()
        restarted.stop(0)
    with town.engine.connect() as connection:
        hashes = connection.scalars(sa.select(tables.redemptions.c.code_hash)).all()
    assert len({h.partition(":")[0] for h in hashes}) == 2


def test_orders_placed_before_the_upgrade_keep_their_codes_until_the_old_key_is_forgotten(
    market_town: MarketTown, counter
):
    town = market_town
    item, volunteer, clerk = counter
    order = town.place(volunteer, item.item_id)
    # As migration 0003 leaves a database with an order placed before it: the old key kept aside,
    # the order's code hashed with it.
    legacy = PickupKey(LEGACY_KEY_ID, bytes(range(32)))
    with town.engine.begin() as connection:
        connection.execute(tables.secrets.insert().values(name="pickup-legacy", value=legacy.secret.hex()))
        connection.execute(
            tables.redemptions.update()
            .where(tables.redemptions.c.id == order.redemption_id)
            .values(code_hash=legacy.code_hash("12345678"))
        )
    new_uow = lambda: MarketUnitOfWork(town.engine)  # noqa: E731

    assert jobs.forget_legacy_pickup_key(new_uow) == 0
    assert town.confirm(clerk, pickup_code="12345678").status == mk.REDEMPTION_STATUS_COLLECTED
    assert jobs.forget_legacy_pickup_key(new_uow) == 1
    with town.engine.connect() as connection:
        assert connection.execute(sa.select(tables.secrets)).all() == []


@pytest.mark.parametrize("open_order", [False, True])
def test_the_migration_keeps_the_old_key_only_for_orders_still_open(tmp_path, open_order):
    from alembic import command

    from jifen import migrations

    url = f"sqlite:///{tmp_path}/market.db"
    config = migrations.config(bootstrap.MIGRATIONS, url)
    command.upgrade(config, "0003")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        old_key = connection.scalar(sa.text("select value from secrets where name = 'pickup'"))
        if open_order:
            connection.execute(
                sa.text(
                    "insert into redemptions (id, member_id, placed_by, shop_id, item_id, item_name,"
                    " community_id, quantity, unit_points, status, code_hash, expires_at, created_at,"
                    " updated_at) values ('r1', 'v1', 'v1', 's1', 'i1', '毛巾', 'c1', 1, 10,"
                    " 'awaiting_pickup', 'abc', '2026-12-08', '2026-12-01', '2026-12-01')"
                )
            )

    command.upgrade(config, "head")

    with engine.connect() as connection:
        kept = connection.execute(sa.text("select name, value from secrets")).all()
    engine.dispose()
    assert kept == ([("pickup-legacy", old_key)] if open_order else [])
