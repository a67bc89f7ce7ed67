"""Time columns on SQLite: whatever zone a value comes in, it is stored and compared as UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from jifen.tables import when

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_local_midnight_is_compared_with_stored_utc_times_as_the_same_instant():
    metadata = sa.MetaData()
    orders = sa.Table("orders", metadata, sa.Column("id", sa.Integer, primary_key=True), when("created_at"))
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    # 06:30 on 20 November in Shanghai: still the 19th in UTC.
    at_0630 = datetime(2026, 11, 19, 22, 30, tzinfo=UTC)
    local_midnight = datetime(2026, 11, 20, 0, 0, tzinfo=SHANGHAI)
    with engine.begin() as conn:
        conn.execute(orders.insert().values(id=1, created_at=at_0630.astimezone(SHANGHAI)))
        today = sa.select(orders.c.id).where(orders.c.created_at >= local_midnight)
        since_midnight = conn.execute(today).all()
        stored = conn.scalar(sa.select(orders.c.created_at))

    assert since_midnight == [(1,)]
    assert stored == at_0630 and stored.utcoffset().total_seconds() == 0
