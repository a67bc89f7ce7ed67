"""Issuing a certificate of service, reading it back, and the public check of a serial.

Who may issue or read one: the volunteer themself, and the admins of the volunteer's community or
street or of the issuing community; nobody else (another volunteer is refused). The public check
says only whether the serial is genuine, with the name masked.
"""

from __future__ import annotations

from jifen.caller import Caller
from jifen.clock import Clock, utcnow
from jifen.errors import InvalidArgument, NotFound, required
from jifen.idempotency import idempotent
from jifen.ids import new_id

from ...domain.certificate import (
    MAX_SERIAL,
    Certificate,
    new_serial,
    normal_serial,
    period_bounds,
    valid_period,
    well_formed,
)
from ...domain.people import CommunityCopy, MemberCopy
from ...domain.rules import LOCAL
from ..lookups import known_community, known_member
from ..ports import UnitOfWork
from ..scope import administers, refused, target_member
from .commands import GetCertificate, IssueCertificate, VerifyCertificate
from .views import Verification

NOT_FOUND = ("找不到该证明", "certificate not found")


def issue_certificate(cmd: IssueCertificate, uow: UnitOfWork, clock: Clock = utcnow) -> Certificate:
    valid_period(cmd.from_date, cmd.to_date, clock().astimezone(LOCAL).date())
    return _issue(cmd, uow, clock)


def _issued(uow: UnitOfWork, ref: dict) -> Certificate:
    found = uow.certificates.by_serial(ref["serial"])
    if found is None:
        raise NotFound(*NOT_FOUND, "serial")
    return found


@idempotent("points.IssueCertificate", view=_issued)
def _issue(cmd: IssueCertificate, uow: UnitOfWork, clock: Clock) -> dict:
    now = clock()
    first, last = valid_period(cmd.from_date, cmd.to_date, now.astimezone(LOCAL).date())
    volunteer = known_member(uow, target_member(cmd.actor, cmd.member_id))
    community = known_community(uow, cmd.community_id.strip() or volunteer.community_id)
    require_may_certify(cmd.actor, volunteer, community)
    start, end = period_bounds(first, last, LOCAL)
    certificate = Certificate.issue(
        id=new_id(),
        serial=new_serial(now.astimezone(LOCAL).date()),
        member_id=volunteer.id,
        member_name=volunteer.name,
        community_id=community.id,
        community_name=community.name,
        period=(first, last),
        activities=uow.certificates.certified(volunteer.id, community.id, start, end),
        issued_by=cmd.actor.member_id,
        issued_at=now,
    )
    uow.certificates.add(certificate)
    return {"serial": certificate.serial}


def get_certificate(query: GetCertificate, uow: UnitOfWork) -> Certificate:
    serial = _serial(query.serial)
    with uow:
        found = uow.certificates.by_serial(serial) if well_formed(serial) else None
        if found is None:
            raise NotFound(*NOT_FOUND, "serial")
        volunteer = uow.people.member(found.member_id)
        community = uow.people.community(found.community_id)
        if not may_read(query.actor, found, volunteer, community):
            # The public check already tells anyone that the serial exists; its contents stay theirs.
            raise refused()
    return found


def verify_certificate(query: VerifyCertificate, uow: UnitOfWork) -> Verification:
    serial = _serial(query.serial)
    if not well_formed(serial):
        return Verification(genuine=False, serial=serial)
    with uow:
        found = uow.certificates.by_serial(serial)
    if found is None:
        return Verification(genuine=False, serial=serial)
    return Verification(
        genuine=True,
        serial=found.serial,
        masked_name=found.masked_name,
        community_name=found.community_name,
        from_date=found.from_date,
        to_date=found.to_date,
        total_minutes=found.total_minutes,
        issued_at=found.issued_at,
    )


def require_may_certify(actor: Caller, volunteer: MemberCopy, community: CommunityCopy) -> None:
    """The volunteer themself, or an admin of their community or street or of the issuing community."""
    if not _self_or_admin(actor, volunteer, community):
        raise refused()


def may_read(
    actor: Caller, found: Certificate, volunteer: MemberCopy | None, community: CommunityCopy | None
) -> bool:
    if actor.member_id and actor.member_id == found.member_id:
        return True
    if volunteer is not None and actor.administers(volunteer.community_id, volunteer.street_id):
        return True
    return community is not None and administers(actor, community)


def _self_or_admin(actor: Caller, volunteer: MemberCopy, community: CommunityCopy) -> bool:
    return (
        (bool(actor.member_id) and actor.member_id == volunteer.id)
        or actor.administers(volunteer.community_id, volunteer.street_id)
        or administers(actor, community)
    )


def _serial(serial: str) -> str:
    value = normal_serial(required("serial", serial, "证明编号"))
    if len(value) > MAX_SERIAL:
        raise InvalidArgument(
            "serial", f"证明编号不能超过 {MAX_SERIAL} 个字符", f"at most {MAX_SERIAL} characters"
        )
    return value
