"""How fast the dashboard's monthly summary answers for a community with 100,000 ledger entries.

    .venv/bin/python bench/dashboard.py [--entries 100000] [--calls 20]

Makes a fresh PostgreSQL database (JIFEN_TEST_PG_URL, default postgres@127.0.0.1:5432), migrates it,
bulk-inserts the entries and hour records (a benchmark's seed, not a ledger that balances),
vacuums, starts the points api and times GetMonthlySummary over gRPC with an admin's token: p50
and p95 over the calls, for 12 and for 36 months. The database is dropped at the end. Not part of
`make test`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jifen import migrations
from jifen.caller import ADMIN, Caller, Grant
from jifen.clock import utcnow
from jifen.envelope import Envelope
from jifen.events.v1 import members_pb2 as member_events
from jifen.points.v1 import reports_pb2 as pb
from jifen.points.v1 import reports_pb2_grpc
from jifen.redis_client import connect
from jifen.settings import Settings
from jifen.timestamps import to_timestamp
from jifen.tokens import TokenIssuer, generate_keypair
from services.points import bootstrap
from services.points.adapters import tables

PG_URL = os.environ.get("JIFEN_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("JIFEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
STREET, HOME, OTHER = "st-bench", "co-bench-home", "co-bench-other"
# Kinds in the proportions a busy community might post them: (kind, share, amount, held_change).
KINDS = [
    ("accrual", 40, 1, 0),
    ("award", 8, 1, 0),
    ("adjustment", 4, 1, 0),
    ("adjustment", 2, -1, 0),
    ("hold", 20, -1, 1),
    ("capture", 15, 0, -1),
    ("release", 5, 1, -1),
    ("expiry", 6, -1, 0),
]
BATCH = 5000


def admin_database(sql: str) -> None:
    engine = sa.create_engine(f"{PG_URL}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(sql)
    engine.dispose()


def seed(url: str, community: str, entries: int, members: int, start: datetime, rng: random.Random) -> None:
    engine = sa.create_engine(url)
    kinds = [k for k in KINDS for _ in range(k[1])]
    span = (utcnow() - start).total_seconds()
    with engine.begin() as conn:
        ids = [f"{community}-m{n:05d}" for n in range(members)]
        conn.execute(
            tables.accounts.insert(),
            [
                dict(
                    member_id=m,
                    community_id=community,
                    available=0,
                    held=0,
                    lifetime_earned=0,
                    certified_minutes=0,
                    status="active",
                    version=0,
                    opened_at=start,
                    updated_at=start,
                )
                for m in ids
            ],
        )
        seq = dict.fromkeys(ids, 0)
        rows, hours = [], []
        for n in range(entries):
            member = rng.choice(ids)
            seq[member] += 1
            kind, _, sign, held = rng.choice(kinds)
            points = rng.randint(5, 60)
            when = start + timedelta(seconds=rng.random() * span)
            rows.append(
                dict(
                    id=f"{community}-e{n}",
                    member_id=member,
                    seq=seq[member],
                    community_id=community,
                    kind=kind,
                    amount=sign * points,
                    held_change=held * points,
                    balance_after=0,
                    held_after=0,
                    reason="bench",
                    source_type="award",
                    source_id=f"s{n}",
                    created_at=when,
                )
            )
            if kind == "accrual":
                hours.append(
                    dict(
                        id=f"{community}-h{n}",
                        activity_id=f"{community}-a{n % 500}",
                        community_id=community,
                        member_id=member,
                        minutes=rng.randint(30, 240),
                        check_in_time=when - timedelta(hours=3),
                        check_out_time=when - timedelta(hours=1),
                        status=rng.choice(["approved"] * 8 + ["rejected", "pending"]),
                        source="recorded",
                        recorded_by="bench",
                        decided_at=when,
                        created_at=when,
                        updated_at=when,
                    )
                )
            if len(rows) >= BATCH:
                conn.execute(tables.entries.insert(), rows)
                rows = []
        if rows:
            conn.execute(tables.entries.insert(), rows)
        for i in range(0, len(hours), BATCH):
            conn.execute(tables.hour_records.insert(), hours[i : i + BATCH])
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # What autovacuum does after a load; the index-only scans need its visibility map.
        conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()


def announce(parts, event_type: str, message) -> None:
    parts.consumer.handle(Envelope.wrap(event_type, "members", message, utcnow()).to_dict())


def timed(stub, request, token, calls: int) -> tuple[float, float, int]:
    stub.GetMonthlySummary(request, metadata=token)  # warm the connection and the plan cache
    spent = []
    for _ in range(calls):
        began = time.perf_counter()
        answer = stub.GetMonthlySummary(request, metadata=token)
        spent.append((time.perf_counter() - began) * 1000)
    spent.sort()
    p95 = spent[min(len(spent) - 1, round(0.95 * len(spent)) - 1)]
    return statistics.median(spent), p95, len(answer.months)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(20261201)
    name = f"jifen_bench_points_{uuid.uuid4().hex[:8]}"
    admin_database(f'CREATE DATABASE "{name}"')
    url = f"{PG_URL}/{name}"
    try:
        with tempfile.TemporaryDirectory() as folder:
            keys = Path(folder) / "keys"
            generate_keypair(keys / "token.pem", keys / "token.pub.pem")
            migrations.upgrade(bootstrap.MIGRATIONS, url)
            start = utcnow().replace(day=1) - timedelta(days=730)
            began = time.perf_counter()
            seed(url, HOME, args.entries, 2000, start, rng)
            seed(url, OTHER, args.entries // 5, 400, start, rng)
            print(f"seeded {args.entries} entries (+{args.entries // 5} in another community) "
                  f"in {time.perf_counter() - began:.1f} s")
            port = 50_000 + rng.randint(1000, 9000)
            settings = Settings(
                data_dir=Path(folder) / "data",
                token_private_key_file=keys / "token.pem",
                token_public_key_file=keys / "token.pub.pem",
                points_db_url=url,
                redis_url=REDIS_URL,
                redis_namespace=f"jifen-bench-{uuid.uuid4().hex[:8]}",
                points_bind=f"127.0.0.1:{port}",
                points_target=f"127.0.0.1:{port}",
            )
            parts = bootstrap.build_events(settings)
            for community in (HOME, OTHER):
                announce(
                    parts,
                    "community.created",
                    member_events.CommunityCreated(community_id=community, street_id=STREET, name=community),
                )
            grant = Grant(ADMIN, community_id=HOME)
            announce(
                parts,
                "member.registered",
                member_events.MemberRegistered(
                    member_id="m-bench-admin",
                    name="管理员",
                    community_id=HOME,
                    street_id=STREET,
                    roles=[member_events.MemberRole(**grant.to_claim())],
                    registered_at=to_timestamp(utcnow()),
                ),
            )
            parts.close()
            caller = Caller(member_id="m-bench-admin", grants=(grant,), community_id=HOME, street_id=STREET)
            token, _ = TokenIssuer.from_file(keys / "token.pem", timedelta(hours=1)).issue(caller)
            metadata = [("authorization", f"Bearer {token}")]
            app = bootstrap.build_api(settings, connect(REDIS_URL))
            app.start()
            channel = grpc.insecure_channel(settings.points_target)
            stub = reports_pb2_grpc.ReportsServiceStub(channel)
            now = utcnow().astimezone(UTC)
            try:
                for months in (12, 36):
                    first = now.year * 12 + now.month - months
                    request = pb.GetMonthlySummaryRequest(
                        community_id=HOME,
                        from_month=f"{first // 12:04d}-{first % 12 + 1:02d}",
                        to_month=f"{now.year:04d}-{now.month:02d}",
                    )
                    p50, p95, rows = timed(stub, request, metadata, args.calls)
                    print(
                        f"GetMonthlySummary, {rows} months, {args.calls} calls: "
                        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"
                    )
            finally:
                channel.close()
                app.stop(0)
    finally:
        admin_database(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
