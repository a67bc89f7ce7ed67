"""Certificates of service in memory: the rules of the domain and the use cases over the fakes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from jifen.caller import ADMIN, Caller, Grant
from jifen.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from services.points.domain.activity import Activity
from services.points.domain.certificate import mask_name, new_serial, normal_serial, valid_period, well_formed
from services.points.domain.hours import APPROVED, HourRecord
from services.points.domain.people import CommunityCopy, MemberCopy
from services.points.service.certificates import handlers
from services.points.service.certificates.commands import GetCertificate, IssueCertificate, VerifyCertificate
from tests.unit.points.fake_activities import STREET, PointsUow

NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
TODAY = date(2026, 11, 30)


def test_a_name_is_masked_but_its_ends():
    assert [mask_name(n) for n in ("张三", "张三丰", "欧阳娜娜", "李", "")] == [
        "张*",
        "张*丰",
        "欧**娜",
        "李*",
        "*",
    ]


def test_a_serial_is_well_formed_unguessable_and_read_as_typed():
    serials = {new_serial(TODAY) for _ in range(200)}
    assert len(serials) == 200 and all(well_formed(s) and s.startswith("ZM2026-") for s in serials)
    one = next(iter(serials))
    assert normal_serial(f" {one.lower()} ") == one
    assert not well_formed("ZM2026-IIII-OOOO-LLLL")


def test_a_period_is_two_days_in_order_not_in_the_future():
    assert valid_period("2026-01-01", "2026-11-30", TODAY) == (date(2026, 1, 1), date(2026, 11, 30))
    for first, last, field in (
        ("2026-1-1x", "2026-12-31", "from_date"),
        ("2026-05-01", "2026-04-30", "to_date"),
        ("2027-01-01", "2027-01-02", "from_date"),
        ("2026-11-01", "2026-12-01", "to_date"),
        ("2010-01-01", "2026-01-01", "to_date"),
    ):
        with pytest.raises(InvalidArgument) as err:
            valid_period(first, last, TODAY)
        assert err.value.field == field


def town() -> PointsUow:
    uow = PointsUow()
    with uow:
        uow.people.put_community(CommunityCopy("co-a", STREET, "张苏滩社区"))
        uow.people.put_community(CommunityCopy("co-b", STREET, "天庆嘉园社区"))
        for member_id, name, community in (("m-1", "王小明", "co-a"), ("m-2", "李四", "co-a")):
            uow.people.put_member(MemberCopy(member_id, name, community, STREET, "", "active", NOW))
        uow.commit()
    return uow


def served(uow: PointsUow, record_id: str, minutes: int, days_back: int, status: str = APPROVED) -> None:
    start = NOW - timedelta(days=days_back)
    with uow:
        uow.activities.add(
            Activity(
                id=f"a-{record_id}",
                community_id="co-a",
                title=f"环境卫生整治{record_id}",
                description="",
                category="environment",
                difficulty=2,
                start_time=start,
                end_time=start + timedelta(hours=3),
                place="",
                capacity=0,
                organiser_id="org",
                check_in_secret="s",
                created_by="admin",
                created_at=start,
                updated_at=start,
            )
        )
        uow.hours.add(
            HourRecord(
                id=record_id,
                activity_id=f"a-{record_id}",
                community_id="co-a",
                member_id="m-1",
                minutes=minutes,
                check_in_time=start,
                check_out_time=start + timedelta(minutes=minutes),
                source="recorded",
                recorded_by="admin",
                created_at=start,
                updated_at=start,
                status=status,
            )
        )
        uow.commit()


def volunteer(member_id: str) -> Caller:
    return Caller(member_id=member_id, community_id="co-a", street_id=STREET)


def issue(uow, actor, request_id="r-1", member_id=""):
    cmd = IssueCertificate(actor, request_id, member_id, "", "2026-01-01", "2026-11-30")
    return handlers.issue_certificate(cmd, uow, lambda: NOW)


def test_issuing_states_the_approved_minutes_and_records_it_once():
    uow = town()
    served(uow, "h-1", 120, days_back=10)
    served(uow, "h-2", 45, days_back=5)
    served(uow, "h-3", 60, days_back=3, status="pending")
    issued = issue(uow, volunteer("m-1"))
    assert (issued.member_name, issued.community_name, issued.total_minutes) == ("王小明", "张苏滩社区", 165)
    assert [a.minutes for a in issued.activities] == [120, 45]
    assert issue(uow, volunteer("m-1")) == issued
    assert uow.event_types == ["certificate.issued"]
    again = issue(uow, volunteer("m-1"), request_id="r-2")
    assert again.serial != issued.serial
    assert uow.event_types == ["certificate.issued"] * 2


def test_only_the_volunteer_and_their_admins_issue_and_read_it():
    uow = town()
    served(uow, "h-1", 120, days_back=10)
    with pytest.raises(PermissionDenied):
        issue(uow, volunteer("m-2"), member_id="m-1")
    admin = Caller(member_id="m-admin", grants=(Grant(ADMIN, community_id="co-a"),))
    serial = issue(uow, admin, member_id="m-1").serial
    assert handlers.get_certificate(GetCertificate(volunteer("m-1"), serial), uow).serial == serial
    with pytest.raises(PermissionDenied):
        handlers.get_certificate(GetCertificate(volunteer("m-2"), serial), uow)
    other_admin = Caller(member_id="m-other", grants=(Grant(ADMIN, community_id="co-b"),))
    with pytest.raises(PermissionDenied):
        handlers.get_certificate(GetCertificate(other_admin, serial), uow)
    found = handlers.verify_certificate(VerifyCertificate(serial.lower()), uow)
    assert (found.genuine, found.masked_name, found.total_minutes) == (True, "王*明", 120)
    assert not handlers.verify_certificate(VerifyCertificate("ZM2026-0000-0000-0000"), uow).genuine


def test_nothing_certified_is_nothing_to_issue():
    uow = town()
    served(uow, "h-1", 120, days_back=3, status="rejected")
    with pytest.raises(FailedPrecondition):
        issue(uow, volunteer("m-1"))
    assert uow.event_types == []
