"""In-memory activities, participants and hour records, with the SQL repositories' conditional updates."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import fakeredis

from jifen.caller import ADMIN, VOLUNTEER, Caller, Grant
from jifen.errors import Conflict
from jifen.rate_limit import FailureLimiter
from services.points.domain.activity import WITHDRAWN, Activity, Participant
from services.points.domain.certificate import Certificate, CertifiedActivity
from services.points.domain.hours import APPROVED, REJECTED, HourRecord
from services.points.domain.ledger import Account
from services.points.domain.people import CommunityCopy, MemberCopy
from services.points.domain.rules import DEFAULT_RULES, LOCAL, RuleVersion
from services.points.service.activities import planning as activities
from services.points.service.activities import sign_ups
from services.points.service.activities.check_in import CodeLimits
from services.points.service.activities.commands import CreateActivity, SignUp
from services.points.service.activities.ports import ActivityFilter
from services.points.service.hours.ports import HourFilter, Visibility
from tests.unit.points.fakes import FakeUnitOfWork, FixedRules


class FakeActivities:
    def __init__(self):
        self.rows: dict[str, Activity] = {}
        self.participant_rows: dict[tuple[str, str], Participant] = {}

    def add(self, activity):
        if activity.id in self.rows:
            raise Conflict("activity exists")
        self.rows[activity.id] = activity

    def get(self, activity_id, lock=False):
        return self.rows.get(activity_id)

    def many(self, activity_ids):
        return {i: self.rows[i] for i in activity_ids if i in self.rows}

    def save(self, activity):
        stored = self.rows[activity.id]
        if activity.capacity and stored.signed_up_count > activity.capacity:
            return False
        self.rows[activity.id] = replace(activity, signed_up_count=stored.signed_up_count)
        return True

    def list(self, where: ActivityFilter, offset, limit):
        def matches(a: Activity) -> bool:
            return (
                (not where.community_id or a.community_id == where.community_id)
                and (not where.status or a.status(where.now) == where.status)
                and (not where.organiser_id or a.organiser_id == where.organiser_id)
                and (
                    not where.signed_up_member_id or a.id in self.signed_up([a.id], where.signed_up_member_id)
                )
                and (where.starts_after is None or a.start_time >= where.starts_after)
                and (where.starts_before is None or a.start_time < where.starts_before)
                and (not where.query or where.query in a.title)
            )

        found = sorted((a for a in self.rows.values() if matches(a)), key=lambda a: (a.start_time, a.id))
        return found[offset : offset + limit]

    def take_place(self, activity_id):
        a = self.rows[activity_id]
        if a.cancelled or (a.capacity and a.signed_up_count >= a.capacity):
            return False
        self.rows[activity_id] = replace(a, signed_up_count=a.signed_up_count + 1)
        return True

    def force_place(self, activity_id):
        a = self.rows[activity_id]
        grown = a.signed_up_count + 1
        capacity = grown if a.capacity and grown > a.capacity else a.capacity
        self.rows[activity_id] = replace(a, signed_up_count=grown, capacity=capacity)

    def free_place(self, activity_id):
        a = self.rows[activity_id]
        if a.signed_up_count > 0:
            self.rows[activity_id] = replace(a, signed_up_count=a.signed_up_count - 1)

    def participant(self, activity_id, member_id):
        return self.participant_rows.get((activity_id, member_id))

    def add_participant(self, participant):
        key = (participant.activity_id, participant.member_id)
        if key in self.participant_rows:
            raise Conflict("participant exists")
        self.participant_rows[key] = participant

    def save_participant(self, participant, was):
        key = (participant.activity_id, participant.member_id)
        if key not in self.participant_rows or self.participant_rows[key].status != was:
            return False
        self.participant_rows[key] = participant
        return True

    def participants(self, activity_id, statuses, offset, limit):
        found = [
            p for p in self.participant_rows.values() if p.activity_id == activity_id and p.status in statuses
        ]
        return sorted(found, key=lambda p: (p.signed_up_at, p.member_id))[offset : offset + limit]

    def signed_up(self, activity_ids, member_id):
        return {
            i
            for i in activity_ids
            if (p := self.participant_rows.get((i, member_id))) is not None and p.status != WITHDRAWN
        }


class FakeHourRecords:
    def __init__(self, people, activities: FakeActivities):
        # For visibility by organiser and street, as the SQL joins do.
        self.people = people
        self.activities = activities
        self.rows: dict[str, HourRecord] = {}
        # The unit of work's list, handed over when a transaction starts (as SqlHourRecords gets it).
        self.seen: list = []

    def add(self, record):
        if record.id in self.rows:
            raise Conflict("record exists")
        self.rows[record.id] = record
        self.seen.append(record)

    def get(self, record_id, lock=False):
        return self.rows.get(record_id)

    def many(self, record_ids):
        return {i: self.rows[i] for i in record_ids if i in self.rows}

    def save(self, record, was):
        if self.rows[record.id].status != was:
            return False
        self.rows[record.id] = record
        self.seen.append(record)
        return True

    def current(self, activity_id, member_id):
        found = [
            r
            for r in self.rows.values()
            if r.activity_id == activity_id and r.member_id == member_id and r.status != REJECTED
        ]
        return max(found, key=lambda r: r.created_at, default=None)

    def total_minutes(self, activity_id, statuses):
        rows = self.rows.values()
        return sum(r.minutes for r in rows if r.activity_id == activity_id and r.status in statuses)

    def around(self, member_id, start, end):
        return [
            r
            for r in self.rows.values()
            if r.member_id == member_id
            and r.status != REJECTED
            and r.check_in_time < end
            and r.check_out_time > start
        ]

    def _visible(self, r: HourRecord, v: Visibility) -> bool:
        organiser = self.activities.rows[r.activity_id].organiser_id
        community = self.people.community(r.community_id)
        return (
            (v.member_id and r.member_id == v.member_id)
            or (v.organiser_id and organiser == v.organiser_id)
            or r.community_id in v.community_ids
            or (community is not None and community.street_id in v.street_ids)
        )

    def list(self, where: HourFilter, offset, limit):
        def matches(r: HourRecord) -> bool:
            return (
                self._visible(r, where.visible)
                and (not where.activity_id or r.activity_id == where.activity_id)
                and (not where.member_id or r.member_id == where.member_id)
                and (not where.community_id or r.community_id == where.community_id)
                and (not where.status or r.status == where.status)
                and (not where.flagged_only or bool(r.flags))
                and (where.served_after is None or r.check_in_time >= where.served_after)
                and (where.served_before is None or r.check_in_time < where.served_before)
            )

        found = sorted(
            (r for r in self.rows.values() if matches(r)), key=lambda r: (r.check_in_time, r.id), reverse=True
        )
        return found[offset : offset + limit]


class FakeCertificates:
    """Certificates by serial, and the certified minutes read from the fake hour records."""

    def __init__(self, hours: FakeHourRecords, activities: FakeActivities):
        self.hours = hours
        self.activities = activities
        self.rows: dict[str, Certificate] = {}
        self.seen: list = []

    def add(self, certificate):
        if certificate.serial in self.rows or any(c.id == certificate.id for c in self.rows.values()):
            raise Conflict("certificate exists")
        self.rows[certificate.serial] = certificate
        self.seen.append(certificate)

    def by_serial(self, serial):
        return self.rows.get(serial)

    def certified(self, member_id, community_id, start, end):
        minutes: dict[str, int] = {}
        for r in self.hours.rows.values():
            if (
                r.member_id == member_id
                and r.community_id == community_id
                and r.status == APPROVED
                and start <= r.check_in_time < end
            ):
                minutes[r.activity_id] = minutes.get(r.activity_id, 0) + r.minutes
        found = [
            CertifiedActivity(a.id, a.title, a.start_time.astimezone(LOCAL).date(), minutes[a.id])
            for a in (self.activities.rows[i] for i in minutes)
        ]
        return sorted(found, key=lambda c: (self.activities.rows[c.activity_id].start_time, c.activity_id))


class PointsUow(FakeUnitOfWork):
    """The lead's fake unit of work with the activity repositories plugged in."""

    def __init__(self, rules: FixedRules | None = None):
        super().__init__(rules=rules)
        self.activities = FakeActivities()
        self.hours = FakeHourRecords(self.people, self.activities)
        self.certificates = FakeCertificates(self.hours, self.activities)


# --- a small town to tell the stories in: 雁南街道 with two communities ---

STREET = "st-yannan"
# A Monday morning in Shanghai (01:00 UTC = 09:00 local).
MONDAY = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)


def street_rules(version_id: str = "v", published_at: datetime | None = None, **changes) -> RuleVersion:
    """The street's rules with `changes`, published a month before MONDAY unless told."""
    published = published_at if published_at is not None else MONDAY - timedelta(days=30)
    return RuleVersion(version_id, "", STREET, published, replace(DEFAULT_RULES, **changes))


def admin_of(community_id: str, member_id: str | None = None) -> Caller:
    return Caller(
        member_id=member_id or f"admin-{community_id}",
        grants=(Grant(ADMIN, community_id=community_id),),
        community_id=community_id,
        street_id=STREET,
    )


def street_admin(member_id: str = "admin-street") -> Caller:
    return Caller(member_id=member_id, grants=(Grant(ADMIN, street_id=STREET),), street_id=STREET)


def volunteer(member_id: str, community_id: str = "co-a") -> Caller:
    return Caller(
        member_id=member_id,
        grants=(Grant(VOLUNTEER, community_id=community_id),),
        community_id=community_id,
        street_id=STREET,
    )


class Town:
    """Two communities of one street, their admins, an organiser and some volunteers with accounts."""

    HOME = "co-a"
    OTHER = "co-b"

    def __init__(self, uow: PointsUow):
        self.uow = uow
        uow.people.put_community(CommunityCopy(self.HOME, STREET, "张苏滩社区"))
        uow.people.put_community(CommunityCopy(self.OTHER, STREET, "天庆嘉园社区"))
        self.admin = admin_of(self.HOME)
        self.other_admin = admin_of(self.OTHER)
        self.organiser = volunteer("org-1")
        for member_id, name in (
            (self.admin.member_id, "周海燕"),
            (self.other_admin.member_id, "刘建国"),
            (self.organiser.member_id, "陈志强"),
        ):
            self.add_member(member_id, name)

    def add_member(self, member_id: str, name: str, community_id: str = "co-a", status: str = "active"):
        self.uow.people.put_member(
            MemberCopy(member_id, name, community_id, STREET, "", status, MONDAY - timedelta(days=30))
        )
        self.uow.ledger.open(Account(member_id, community_id), MONDAY - timedelta(days=30))
        return volunteer(member_id, community_id)

    def volunteers(self, count: int) -> list[Caller]:
        names = [
            "王秀兰",
            "李明",
            "张伟",
            "赵敏",
            "孙丽",
            "周杰",
            "吴芳",
            "郑强",
            "冯雪",
            "陈静",
            "褚磊",
            "卫东",
        ]
        return [self.add_member(f"vol-{i}", names[i % len(names)]) for i in range(count)]


def at(moment: datetime):
    """A clock stopped at `moment`."""
    return lambda: moment


def plan(uow: PointsUow, town: Town, request_id: str = "plan-1", now: datetime = MONDAY, **changes):
    """Plans 环境卫生整治 (difficulty 2) tomorrow 09:00–12:00 local, run by the town's organiser."""
    fields = dict(
        request_id=request_id,
        actor=town.admin,
        community_id=town.HOME,
        title="环境卫生整治",
        description="清理小区绿化带和楼道杂物",
        category="environment",
        difficulty=2,
        start_time=MONDAY + timedelta(days=1),
        end_time=MONDAY + timedelta(days=1, hours=3),
        place="张苏滩社区 3 号楼前",
        capacity=10,
        organiser_id=town.organiser.member_id,
    )
    fields.update(changes)
    return activities.create_activity(CreateActivity(**fields), uow, at(now)).activity


def signed_up_for_hours(uow: PointsUow, actor: Caller, activity: Activity, member_ids) -> None:
    """When the organiser records hours, the members first sign up themselves (only an admin adds
    members who did not); members points does not know, or of another community, are left as they are."""
    if actor.member_id != activity.organiser_id:
        return
    for member_id in member_ids:
        member = uow.people.member(member_id)
        if member is None or member.community_id != activity.community_id or not member.active:
            continue
        if uow.activities.participant(activity.id, member_id) is not None:
            continue
        own = volunteer(member_id, member.community_id)
        sign_ups.sign_up(SignUp(f"su-{activity.id}-{member_id}", own, activity.id), uow, at(MONDAY))


def code_limits(per_member: int = 5, per_activity: int = 30) -> CodeLimits:
    """The production limiters over an in-memory Redis of their own."""
    client = fakeredis.FakeRedis(server=fakeredis.FakeServer())
    return CodeLimits(
        FailureLimiter(client, "check-in:member", per_member, 900),
        FailureLimiter(client, "check-in:activity", per_activity, 900),
    )
