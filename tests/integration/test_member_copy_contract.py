"""One contract for the copy of members and communities: the in-memory fake the unit tests use and
the SQL repository of points and of the market, on SQLite and on PostgreSQL, over each service's
migrated schema, answer alike."""

from __future__ import annotations

from collections import namedtuple
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from jifen import migrations
from jifen.caller import ADMIN, STAFF, VOLUNTEER, Grant
from jifen.member_copies import ACTIVE, DEACTIVATED, CommunityCopy, MemberCopy
from services.market import bootstrap as market_bootstrap
from services.market.adapters.people_repository import SqlPeople as MarketPeople
from services.points import bootstrap as points_bootstrap
from services.points.adapters.people_repository import SqlPeople as PointsPeople
from tests.servers import drop_database, fresh_database
from tests.unit.runtime_fakes import FakeMemberCopies

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
HOME = CommunityCopy("co-a", "st-1", "张苏滩社区")
OTHER = CommunityCopy("co-b", "st-1", "天庆嘉园社区")
ELSEWHERE = CommunityCopy("co-z", "st-2", "南湖社区")
Shop = namedtuple("Shop", "id community_id")

SERVICES = {
    "points": (points_bootstrap.MIGRATIONS, PointsPeople),
    "market": (market_bootstrap.MIGRATIONS, MarketPeople),
}


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    """A migrated database per service and backend, made once; each test rolls its writes back."""
    made: dict[str, sa.Engine] = {}
    postgres: list[str] = []

    def engine(service: str, backend: str) -> sa.Engine:
        key = f"{service}-{backend}"
        if key not in made:
            if backend == "sqlite":
                url = f"sqlite:///{tmp_path_factory.mktemp(key) / 'copies.db'}"
            else:
                url = fresh_database(f"copies_{service}")
                postgres.append(url)
            migrations.upgrade(SERVICES[service][0], url)
            made[key] = sa.create_engine(url)
        return made[key]

    yield engine
    for found in made.values():
        found.dispose()
    for url in postgres:
        drop_database(url)


@pytest.fixture(
    params=[
        "fake",
        "points-sqlite",
        "market-sqlite",
        pytest.param("points-postgresql", marks=pytest.mark.postgres),
        pytest.param("market-postgresql", marks=pytest.mark.postgres),
    ]
)
def people(request, engines):
    if request.param == "fake":
        yield FakeMemberCopies()
        return
    service, backend = request.param.split("-")
    with engines(service, backend).connect() as connection:
        transaction = connection.begin()
        yield SERVICES[service][1](connection)
        transaction.rollback()


def copy(member_id: str, community: CommunityCopy = HOME, **fields) -> MemberCopy:
    return MemberCopy(
        member_id, f"成员{member_id}", community.id, community.street_id, "gr-1", ACTIVE, NOW, **fields
    )


def test_a_member_is_read_back_as_it_was_put(people):
    assert people.member("m1") is None
    kept = copy(
        "m1",
        staff_shop_id="shop-a",
        grants=(Grant(VOLUNTEER), Grant(STAFF, shop_id="shop-a"), Grant(ADMIN, community_id=HOME.id)),
        proxy_redemption_refused=True,
    )
    people.put_member(kept)

    assert people.member("m1") == kept
    assert people.member("m1", lock=True) == kept
    assert people.member("m1").updated_at.utcoffset() == timedelta(0)


def test_a_copy_kept_before_copies_held_roles_has_no_grants_rather_than_none_at_all(people):
    people.put_member(copy("m1"))
    assert people.member("m1").grants is None
    assert people.member("m1").staff_shop_id == "" and people.member("m1").proxy_redemption_refused is False


def test_a_newer_copy_replaces_the_one_kept(people):
    people.put_member(copy("m1", grants=(Grant(VOLUNTEER),)))
    later = MemberCopy(
        "m1", "新名字", OTHER.id, OTHER.street_id, "", DEACTIVATED, NOW + timedelta(hours=1), grants=()
    )
    people.put_member(later)
    assert people.member("m1") == later


def test_members_and_names_answer_for_the_known_ones_only(people):
    people.put_member(copy("m1"))
    people.put_member(copy("m2"))

    assert people.members(["m1", "m2", "m9"]) == {"m1": copy("m1"), "m2": copy("m2")}
    assert people.members([]) == {}
    assert people.names({"m2", "m9"}) == {"m2": "成员m2"}
    assert people.names(set()) == {}


def test_a_shops_staff_are_its_active_staff_members_of_its_community(people):
    people.put_member(copy("s2", staff_shop_id="shop-a"))
    people.put_member(copy("s1", staff_shop_id="shop-a"))
    people.put_member(_deactivated("gone"))
    people.put_member(copy("elsewhere", ELSEWHERE, staff_shop_id="shop-a"))
    people.put_member(copy("volunteer"))

    found = people.staff_of([Shop("shop-a", HOME.id), Shop("shop-b", HOME.id)])

    assert found == {"shop-a": ("s1", "s2"), "shop-b": ()}
    assert people.staff_of([]) == {}


def _deactivated(member_id: str) -> MemberCopy:
    return MemberCopy(
        member_id, "离开的", HOME.id, HOME.street_id, "", DEACTIVATED, NOW, staff_shop_id="shop-a"
    )


def test_communities_are_kept_renamed_and_listed_by_street(people):
    assert people.community(HOME.id) is None
    people.put_community(CommunityCopy(HOME.id, HOME.street_id, ""))
    for community in (OTHER, ELSEWHERE, HOME):
        people.put_community(community)

    assert people.community(HOME.id) == HOME
    assert people.communities_of_street("st-1") == [HOME.id, OTHER.id]
    assert people.communities_of_street("st-9") == []
