"""Certificates of service over gRPC on PostgreSQL: what one states, who may issue and read it, the
public check of a serial, and that issuing is recorded and never changes a certificate."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import grpc
import pytest
import sqlalchemy as sa

from jifen.caller import VOLUNTEER, Grant
from jifen.clock import utcnow
from jifen.points.v1 import activities_pb2 as act
from jifen.points.v1 import certificates_pb2 as cer
from jifen.tables import OUTBOX
from jifen.timestamps import to_timestamp
from services.points.adapters import tables
from services.points.domain.certificate import well_formed
from tests.integration.points_town import HOME, OTHER, PointsTown


def rid() -> str:
    return uuid.uuid4().hex


TODAY = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).date()
THIS_YEAR = {"from_date": f"{TODAY.year}-01-01", "to_date": TODAY.isoformat()}


def served(town: PointsTown, member_id: str, title: str, minutes: int, days_back: int, community=HOME) -> str:
    """An activity of the community that ended days_back days ago, with the member's minutes approved."""
    recorder = town.token(town.admin(f"m-rec-{community}", community))
    approver = town.token(town.admin(f"m-appr-{community}", community))
    start = utcnow() - timedelta(days=days_back, hours=4)
    activity_id = town.activities.CreateActivity(
        act.CreateActivityRequest(
            request_id=rid(),
            community_id=community,
            title=title,
            category="environment",
            difficulty=2,
            start_time=to_timestamp(start),
            end_time=to_timestamp(start + timedelta(hours=3)),
            place="张苏滩社区广场",
        ),
        metadata=recorder,
    ).activity.activity_id
    record_id = (
        town.activities.RecordHours(
            act.RecordHoursRequest(
                request_id=rid(),
                activity_id=activity_id,
                entries=[act.HoursInput(member_id=member_id, minutes=minutes)],
            ),
            metadata=recorder,
        )
        .hour_records[0]
        .hour_record_id
    )
    town.activities.ApproveHours(
        act.ApproveHoursRequest(request_id=rid(), hour_record_ids=[record_id]), metadata=approver
    )
    return activity_id


def outbox_certificates(town: PointsTown) -> list:
    engine = sa.create_engine(town.settings.points_db_url)
    with engine.connect() as db:
        rows = db.execute(sa.select(OUTBOX.c.payload).where(OUTBOX.c.type == "certificate.issued")).all()
    engine.dispose()
    return rows


def count_certificates(town: PointsTown) -> int:
    engine = sa.create_engine(town.settings.points_db_url)
    with engine.connect() as db:
        found = db.execute(sa.select(sa.func.count()).select_from(tables.certificates)).scalar_one()
    engine.dispose()
    return found


def test_a_volunteer_gets_a_certificate_of_their_hours_by_activity(points_town):
    town = points_town
    # Served first in OTHER, then moved to HOME: each community certifies the hours it recorded.
    before = town.register("m-vol-1", OTHER)
    served(town, before.member_id, "文明交通劝导", 60, days_back=4, community=OTHER)
    volunteer = replace(before, community_id=HOME)
    town.change_roles(volunteer, Grant(VOLUNTEER))
    me = town.token(volunteer)
    served(town, volunteer.member_id, "环境卫生整治", 150, days_back=3)
    served(town, volunteer.member_id, "助老送餐", 90, days_back=2)

    issued = town.certificates.IssueCertificate(
        cer.IssueCertificateRequest(request_id=rid(), **THIS_YEAR), metadata=me
    ).certificate
    assert well_formed(issued.serial)
    assert (issued.member_id, issued.member_name, issued.community_id) == (
        volunteer.member_id,
        "成员ol-1",
        HOME,
    )
    assert [(a.title, a.minutes) for a in issued.activities] == [("环境卫生整治", 150), ("助老送餐", 90)]
    assert issued.total_minutes == 240
    assert (issued.from_date, issued.to_date) == (THIS_YEAR["from_date"], THIS_YEAR["to_date"])

    other = town.certificates.IssueCertificate(
        cer.IssueCertificateRequest(request_id=rid(), community_id=OTHER, **THIS_YEAR), metadata=me
    ).certificate
    assert (other.community_id, other.total_minutes) == (OTHER, 60)

    read = town.certificates.GetCertificate(cer.GetCertificateRequest(serial=issued.serial), metadata=me)
    assert read.certificate == issued


def test_issuing_is_recorded_once_per_request_and_again_gives_a_new_serial(points_town):
    town = points_town
    volunteer = town.register("m-vol-2")
    admin = town.token(town.admin("m-admin-2"))
    served(town, volunteer.member_id, "防汛应急值守", 120, days_back=2)
    request = cer.IssueCertificateRequest(request_id=rid(), member_id=volunteer.member_id, **THIS_YEAR)
    first = town.certificates.IssueCertificate(request, metadata=admin).certificate
    retry = town.certificates.IssueCertificate(request, metadata=admin).certificate
    assert retry == first
    again = town.certificates.IssueCertificate(
        cer.IssueCertificateRequest(request_id=rid(), member_id=volunteer.member_id, **THIS_YEAR),
        metadata=admin,
    ).certificate
    assert again.serial != first.serial
    assert again.total_minutes == first.total_minutes == 120
    # More hours later do not change a certificate issued before them.
    served(town, volunteer.member_id, "垃圾分类宣传", 60, days_back=1)
    kept = town.certificates.GetCertificate(cer.GetCertificateRequest(serial=first.serial), metadata=admin)
    assert kept.certificate == first
    rows = outbox_certificates(town)
    assert len(rows) == 2
    assert count_certificates(town) == 2


def test_concurrent_twins_of_one_request_issue_one_certificate(points_town):
    town = points_town
    volunteer = town.register("m-vol-3")
    me = town.token(volunteer)
    served(town, volunteer.member_id, "环境卫生整治", 60, days_back=2)
    request = cer.IssueCertificateRequest(request_id=rid(), **THIS_YEAR)

    def issue(_):
        try:
            return town.certificates.IssueCertificate(request, metadata=me).certificate.serial
        except grpc.RpcError as err:
            return err.code()

    with ThreadPoolExecutor(8) as pool:
        serials = set(pool.map(issue, range(8)))
    assert len(serials) == 1 and well_formed(serials.pop())
    assert count_certificates(town) == 1


def test_another_volunteer_may_neither_issue_nor_read_ones_certificate(points_town):
    town = points_town
    volunteer = town.register("m-vol-4")
    neighbour = town.token(town.register("m-vol-5"))
    other_admin = town.token(town.admin("m-other-admin", OTHER))
    served(town, volunteer.member_id, "助老送餐", 90, days_back=2)
    serial = town.certificates.IssueCertificate(
        cer.IssueCertificateRequest(request_id=rid(), **THIS_YEAR), metadata=town.token(volunteer)
    ).certificate.serial
    for caller in (neighbour, other_admin):
        with pytest.raises(grpc.RpcError) as err:
            town.certificates.GetCertificate(cer.GetCertificateRequest(serial=serial), metadata=caller)
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
        with pytest.raises(grpc.RpcError) as err:
            town.certificates.IssueCertificate(
                cer.IssueCertificateRequest(request_id=rid(), member_id=volunteer.member_id, **THIS_YEAR),
                metadata=caller,
            )
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert count_certificates(town) == 1


def test_the_public_check_confirms_a_real_serial_masked_and_rejects_a_made_up_one(points_town):
    town = points_town
    volunteer = town.register("m-vol-6")
    served(town, volunteer.member_id, "文明交通劝导", 180, days_back=2)
    issued = town.certificates.IssueCertificate(
        cer.IssueCertificateRequest(request_id=rid(), **THIS_YEAR), metadata=town.token(volunteer)
    ).certificate
    # No token at all; the serial as someone types it from paper.
    found = town.certificates.VerifyCertificate(
        cer.VerifyCertificateRequest(serial=" " + issued.serial.lower() + " ")
    )
    assert found.genuine
    assert (found.serial, found.masked_name, found.community_name) == (issued.serial, "成****6", HOME)
    assert (found.from_date, found.to_date, found.total_minutes) == (
        issued.from_date,
        issued.to_date,
        180,
    )
    for made_up in ("ZM2026-AAAA-BBBB-CCCC", "not-a-serial", issued.serial[:-1] + "0"):
        if made_up == issued.serial:
            continue
        answer = town.certificates.VerifyCertificate(cer.VerifyCertificateRequest(serial=made_up))
        assert not answer.genuine
        assert answer.masked_name == "" and answer.total_minutes == 0


def test_no_certified_hours_is_nothing_to_certify(points_town):
    town = points_town
    volunteer = town.register("m-vol-7")
    with pytest.raises(grpc.RpcError) as err:
        town.certificates.IssueCertificate(
            cer.IssueCertificateRequest(request_id=rid(), **THIS_YEAR), metadata=town.token(volunteer)
        )
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "没有已认证的服务时长" in err.value.details()
    assert count_certificates(town) == 0
