"""Becoming a member.

Volunteers register themselves; the first admin of a street is made from the command line.
"""

from __future__ import annotations

from jifen.caller import ADMIN, VOLUNTEER, Grant
from jifen.clock import Clock, utcnow
from jifen.errors import AlreadyExists, FailedPrecondition, ResourceExhausted
from jifen.idempotency import idempotent
from jifen.ids import new_id

from ..domain.directory import Street, place_name
from ..domain.member import Member, valid_name, valid_password
from ..domain.phone import normalize_phone
from .commands import CreateAdmin, RegisterVolunteer
from .lookups import known_chosen_community, known_chosen_grid
from .ports import LoginLimiter, PasswordHasher, UnitOfWork
from .views import produced_member

PHONE_TAKEN = ("该手机号已注册", "this phone number is already registered")
TOO_MANY_REGISTRATIONS = (
    "注册次数过多，请稍后再试",
    "too many registrations from this address; try again later",
)
ADMIN_REGISTERS = (
    "本社区不开放自助注册，请到社区找管理员办理注册",
    "this community does not take self-registration; ask its admin to register you",
)


def register_volunteer(
    cmd: RegisterVolunteer,
    uow: UnitOfWork,
    passwords: PasswordHasher,
    clients: LoginLimiter | None = None,
    clock: Clock = utcnow,
) -> Member | None:
    """The new member; None when a caller who is not the community's admin gave a phone that is taken.

    Self-registration proves nothing about the phone (there is no text message), so such a caller
    must not learn whether a number is registered: the entrypoint shows them no member either way,
    and both paths hash a password, so neither answer comes back sooner. The community's admin, who
    sees its members anyway, is told "phone taken" and gets the member they made.
    """
    # Everything cheap comes first: the per-address limit, the fields, the community. A refused attempt
    # never reaches argon2 (64 MiB and tens of milliseconds per hash), so bursts cannot exhaust the server.
    if clients is not None and cmd.client and not cmd.actor.has(ADMIN) and not clients.attempt(cmd.client):
        raise ResourceExhausted(*TOO_MANY_REGISTRATIONS)
    name = valid_name(cmd.name)
    phone = normalize_phone(cmd.phone)
    password = valid_password(cmd.password)
    with uow:
        community = known_chosen_community(uow, cmd.community_id)
        known_chosen_grid(uow, cmd.grid_id, community.id)
    by_admin = cmd.actor.administers(community.id, community.street_id)
    if not by_admin and not community.takes_self_registration:
        raise FailedPrecondition(*ADMIN_REGISTERS)
    # Hash before the transaction: argon2 is slow on purpose and must not hold the write lock.
    password_hash = passwords.hash(password)
    try:
        return _register(cmd, uow, name, phone, password_hash, by_admin, clock)
    except AlreadyExists as taken:
        if taken.field == "phone" and not by_admin:
            return None
        raise


@idempotent("members.RegisterVolunteer", view=produced_member)
def _register(
    cmd: RegisterVolunteer,
    uow: UnitOfWork,
    name: str,
    phone: str,
    password_hash: str,
    by_admin: bool,
    clock: Clock,
) -> dict:
    # Read again in the transaction that writes: the grid or the setting may have changed meanwhile.
    community = known_chosen_community(uow, cmd.community_id)
    grid = known_chosen_grid(uow, cmd.grid_id, community.id)
    if not by_admin and not community.takes_self_registration:
        raise FailedPrecondition(*ADMIN_REGISTERS)
    if uow.members.by_phone(phone) is not None:
        raise AlreadyExists(*PHONE_TAKEN, field="phone")
    member = Member.register(
        id=new_id(),
        name=name,
        phone=phone,
        password_hash=password_hash,
        community_id=community.id,
        street_id=community.street_id,
        grid_id=grid.id if grid else "",
        grants=(Grant(VOLUNTEER),),
        now=clock(),
    )
    uow.members.add(member)
    return {"member_id": member.id}


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
        member = Member.register(
            id=new_id(),
            name=name,
            phone=phone,
            password_hash=password_hash,
            community_id="",
            street_id=street.id,
            grid_id="",
            grants=(Grant(ADMIN, street_id=street.id),),
            now=now,
        )
        uow.members.add(member)
        uow.commit()
        return member
