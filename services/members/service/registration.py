"""Becoming a member.

Volunteers register themselves; the first admin of a street is made from the command line.
"""

from __future__ import annotations

from functools import partial

from jifen import idempotency
from jifen.caller import ADMIN, VOLUNTEER, Grant
from jifen.clock import Clock, utcnow
from jifen.errors import AlreadyExists
from jifen.ids import new_id

from ..domain.directory import Street, place_name
from ..domain.member import Member, valid_name, valid_password
from ..domain.phone import normalize_phone
from . import events, lookups
from .commands import CreateAdmin, RegisterVolunteer
from .ports import PasswordHasher, UnitOfWork

PHONE_TAKEN = ("该手机号已注册", "this phone number is already registered")


def register_volunteer(
    cmd: RegisterVolunteer, uow: UnitOfWork, passwords: PasswordHasher, clock: Clock = utcnow
) -> Member:
    name = valid_name(cmd.name)
    phone = normalize_phone(cmd.phone)
    # Hash before the transaction: argon2 is slow on purpose and must not hold the write lock.
    password_hash = passwords.hash(valid_password(cmd.password))

    def execute() -> dict:
        community = lookups.community_argument(uow, cmd.community_id)
        grid = lookups.grid_argument(uow, cmd.grid_id, community.id)
        if uow.members.by_phone(phone) is not None:
            raise AlreadyExists(*PHONE_TAKEN, field="phone")
        now = clock()
        member = Member(
            id=new_id(),
            name=name,
            phone=phone,
            password_hash=password_hash,
            community_id=community.id,
            street_id=community.street_id,
            grid_id=grid.id if grid else "",
            grants=(Grant(VOLUNTEER),),
            created_at=now,
            updated_at=now,
        )
        uow.members.add(member)
        uow.outbox.add(events.MEMBER_REGISTERED, events.registered(member), now)
        return {"member_id": member.id}

    return idempotency.run(
        uow, "members.RegisterVolunteer", cmd, execute, partial(lookups.produced_member, uow)
    )


def create_admin(
    cmd: CreateAdmin, uow: UnitOfWork, passwords: PasswordHasher, clock: Clock = utcnow
) -> Member:
    """Creates the street when it is new, and an admin of the whole street."""
    name = valid_name(cmd.name)
    phone = normalize_phone(cmd.phone)
    street_name = place_name(cmd.street_name, "街道名称")
    password_hash = passwords.hash(valid_password(cmd.password))
    with uow:
        if uow.members.by_phone(phone) is not None:
            raise AlreadyExists(*PHONE_TAKEN, field="phone")
        now = clock()
        street = uow.directory.street_by_name(street_name)
        if street is None:
            street = Street(new_id(), street_name, now)
            uow.directory.add_street(street)
        member = Member(
            id=new_id(),
            name=name,
            phone=phone,
            password_hash=password_hash,
            community_id="",
            street_id=street.id,
            grants=(Grant(ADMIN, street_id=street.id),),
            created_at=now,
            updated_at=now,
        )
        uow.members.add(member)
        uow.outbox.add(events.MEMBER_REGISTERED, events.registered(member), now)
        uow.commit()
        return member
