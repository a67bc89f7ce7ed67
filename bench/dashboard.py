"""How fast the dashboard answers for a community with 100,000 ledger entries.

    .venv/bin/python bench/dashboard.py [--entries 100000] [--calls 20] [--part rpc|http|both]

rpc: makes a fresh PostgreSQL database (JIFEN_TEST_PG_URL, default postgres@127.0.0.1:5432),
migrates it, bulk-inserts the entries and hour records (a benchmark's seed, not a ledger that
balances), vacuums, starts the points api and times GetMonthlySummary over gRPC with an admin's
token: p50 and p95 over the calls, for 12 and for 36 months.

http: runs `jifen up --demo` on three fresh PostgreSQL databases, adds the entries and hour records
to the demo community 张苏滩社区 and a few thousand collected redemptions to its shop, vacuums, signs
in as its community admin and times the dashboard page (/admin/dashboard, charts and tables) and
its data (/api/v1/admin/dashboard) over HTTP: p50 and p95 for 12 and for 36 months.

The databases are dropped at the end. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jifen import demo, migrations
from jifen.caller import ADMIN, Caller, Grant
from jifen.clock import utcnow
from jifen.envelope import Envelope
from jifen.events.v1 import members_pb2 as member_events
from jifen.members.v1 import members_pb2 as m
from jifen.months import LOCAL
from jifen.points.v1 import reports_pb2 as pb
from jifen.points.v1 import reports_pb2_grpc
from jifen.redis_client import connect
from jifen.settings import Settings
from jifen.timestamps import to_timestamp
from jifen.tokens import TokenIssuer, generate_keypair
from services.market.adapters import tables as market_tables
from services.points import bootstrap
from services.points.adapters import tables
from tests.members_client import MembersClient

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
COMMUNITY_ADMIN = "13800000001"  # 孙丽娟, 张苏滩社区


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
    parser.add_argument("--part", choices=("rpc", "http", "both"), default="both")
    args = parser.parse_args()
    if args.part in ("rpc", "both"):
        bench_rpc(args)
    if args.part in ("http", "both"):
        bench_http(args)


def bench_rpc(args) -> None:
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
            print(
                f"seeded {args.entries} entries (+{args.entries // 5} in another community) "
                f"in {time.perf_counter() - began:.1f} s"
            )
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


def percentiles(spent: list[float]) -> tuple[float, float]:
    spent = sorted(spent)
    return statistics.median(spent), spent[min(len(spent) - 1, round(0.95 * len(spent)) - 1)]


def seed_redemptions(url: str, community: str, count: int, start: datetime, rng: random.Random) -> None:
    """Collected redemptions of the community's goods, spread over the same two years."""
    engine = sa.create_engine(url)
    span = (utcnow() - start).total_seconds()
    with engine.begin() as conn:
        goods = conn.execute(
            sa.select(
                market_tables.items.c.id,
                market_tables.items.c.name,
                market_tables.items.c.shop_id,
                market_tables.items.c.points_price,
            ).where(market_tables.items.c.community_id == community)
        ).all()
        rows = []
        for n in range(count):
            item_id, name, shop_id, price = rng.choice(goods)
            when = start + timedelta(seconds=rng.random() * span)
            rows.append(
                dict(
                    id=f"bench-r{n}",
                    member_id=f"{community}-m{n % 2000:05d}",
                    placed_by=f"{community}-m{n % 2000:05d}",
                    item_id=item_id,
                    item_name=name,
                    shop_id=shop_id,
                    community_id=community,
                    quantity=rng.randint(1, 3),
                    unit_points=price,
                    status="collected",
                    collected_at=when,
                    closed_at=when,
                    expires_at=when + timedelta(days=7),
                    created_at=when - timedelta(hours=2),
                    updated_at=when,
                )
            )
        for i in range(0, len(rows), BATCH):
            conn.execute(market_tables.redemptions.insert(), rows[i : i + BATCH])
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def jifen_up(folder: str, db_urls: dict[str, str]) -> tuple[subprocess.Popen, dict[str, int], Path]:
    """`jifen up --demo` on free loopback ports and the given databases; its log in the folder."""
    ports = {name: free_port() for name in ("members", "points", "market", "gateway")}
    env = {**os.environ, "JIFEN_GATEWAY_BIND": f"127.0.0.1:{ports['gateway']}"}
    for service, url in db_urls.items():
        address = f"127.0.0.1:{ports[service]}"
        env[f"JIFEN_{service.upper()}_BIND"] = env[f"JIFEN_{service.upper()}_TARGET"] = address
        env[f"JIFEN_{service.upper()}_DB_URL"] = url
    log = Path(folder) / "jifen-up.log"
    command = [str(Path(sys.executable).parent / "jifen"), "up", "--demo", "--data-dir", f"{folder}/data"]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 180
    while "demo logins" not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit(f"jifen up did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)
    return process, ports, log


def bench_http(args) -> None:
    rng = random.Random(20261202)
    suffix = uuid.uuid4().hex[:8]
    names = {service: f"jifen_bench_{service}_{suffix}" for service in ("members", "points", "market")}
    for name in names.values():
        admin_database(f'CREATE DATABASE "{name}"')
    process = None
    try:
        with tempfile.TemporaryDirectory() as folder:
            process, ports, _ = jifen_up(folder, {s: f"{PG_URL}/{n}" for s, n in names.items()})
            members = MembersClient(f"127.0.0.1:{ports['members']}")
            home = next(
                c.community_id
                for c in members.directory.ListCommunities(m.ListCommunitiesRequest()).communities
                if c.name == "张苏滩社区"
            )
            members.close()
            start = utcnow().replace(day=1) - timedelta(days=730)
            began = time.perf_counter()
            seed(f"{PG_URL}/{names['points']}", home, args.entries, 2000, start, rng)
            seed_redemptions(f"{PG_URL}/{names['market']}", home, args.entries // 20, start, rng)
            print(
                f"seeded {args.entries} entries and {args.entries // 20} collected redemptions in 张苏滩社区 "
                f"in {time.perf_counter() - began:.1f} s"
            )
            with httpx.Client(base_url=f"http://127.0.0.1:{ports['gateway']}", timeout=30) as client:
                answer = client.post(
                    "/api/v1/session", json={"phone": COMMUNITY_ADMIN, "password": demo.PASSWORD}
                )
                answer.raise_for_status()
                now = utcnow().astimezone(LOCAL)
                for months in (12, 36):
                    first = now.year * 12 + now.month - months
                    query = {
                        "from_month": f"{first // 12:04d}-{first % 12 + 1:02d}",
                        "to_month": f"{now.year:04d}-{now.month:02d}",
                    }
                    for label, path, params in (
                        ("page", "/admin/dashboard", query),
                        ("data", "/api/v1/admin/dashboard", query),
                    ):
                        client.get(path, params=params).raise_for_status()  # warm up
                        spent = []
                        for _ in range(args.calls):
                            began = time.perf_counter()
                            client.get(path, params=params).raise_for_status()
                            spent.append((time.perf_counter() - began) * 1000)
                        p50, p95 = percentiles(spent)
                        print(
                            f"dashboard {label} {path}, {months} months, {args.calls} requests: "
                            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"
                        )
    finally:
        if process is not None:
            process.terminate()
            process.wait(30)
        for name in names.values():
            admin_database(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
