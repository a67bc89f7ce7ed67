"""A member: any registered person, with the roles they hold and whether they may still log in."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from jifen.caller import ADMIN, GRID_WORKER, MEMBER_ROLES, STAFF, VOLUNTEER, Caller, Grant
from jifen.domain_events import Aggregate
from jifen.errors import FailedPrecondition, InvalidArgument, required

from .events import MemberDeactivated, MemberReactivated, MemberRegistered, MemberUpdated

ACTIVE = "active"
DEACTIVATED = "deactivated"
MAX_NAME_LENGTH = 40
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


@dataclass(frozen=True)
class Member(Aggregate):
    id: str
    name: str
    phone: str
    password_hash: str
    community_id: str
    street_id: str
    grid_id: str = ""
    grants: tuple[Grant, ...] = (Grant(VOLUNTEER),)
    status: str = ACTIVE
    organization_ids: tuple[str, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deactivation_reason: str = field(default="")
    # 代兑换 switched off by the member or their admin: no grid worker may redeem for them.
    proxy_redemption_refused: bool = False

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    def caller(self) -> Caller:
        """The identity a token for this member carries."""
        return Caller(
            member_id=self.id,
            name=self.name,
            grants=self.grants,
            community_id=self.community_id,
            street_id=self.street_id,
            grid_id=self.grid_id,
        )

    @classmethod
    def register(
        cls,
        id: str,
        name: str,
        phone: str,
        password_hash: str,
        community_id: str,
        street_id: str,
        grid_id: str,
        grants: tuple[Grant, ...],
        now: datetime,
    ) -> Member:
        member = cls(
            id=id,
            name=name,
            phone=phone,
            password_hash=password_hash,
            community_id=community_id,
            street_id=street_id,
            grid_id=grid_id,
            grants=grants,
            created_at=now,
            updated_at=now,
        )
        member.record(
            MemberRegistered(
                member_id=id,
                name=name,
                community_id=community_id,
                street_id=street_id,
                grid_id=grid_id,
                grants=grants,
                registered_at=now,
            )
        )
        return member

    def update(self, changes: dict, now: datetime) -> Member:
        """The profile or place changed (`changes` names Member fields); consumers hear of it."""
        return replace(self, **changes, updated_at=now)._announce_update()

    def set_roles(self, grants: tuple[Grant, ...], now: datetime) -> Member:
        return replace(self, grants=grants, updated_at=now)._announce_update()

    def change_password(self, password_hash: str, now: datetime) -> Member:
        # Nobody outside keeps a password: no event.
        return replace(self, password_hash=password_hash, updated_at=now)

    def deactivate(self, reason: str, by: str, now: datetime) -> Member:
        """`by` is the acting member's id: an admin cannot lock themself out."""
        if by == self.id:
            raise FailedPrecondition("不能停用自己的账号", "you cannot deactivate yourself")
        if not self.active:
            raise FailedPrecondition("该成员已停用", "the member is already deactivated")
        done = replace(self, status=DEACTIVATED, deactivation_reason=reason.strip(), updated_at=now)
        done.record(MemberDeactivated(member_id=done.id, reason=done.deactivation_reason, deactivated_at=now))
        return done

    def reactivate(self, now: datetime) -> Member:
        if self.active:
            raise FailedPrecondition("该成员未被停用", "the member is not deactivated")
        done = replace(self, status=ACTIVE, deactivation_reason="", updated_at=now)
        done.record(MemberReactivated(member_id=done.id, reactivated_at=now))
        return done

    def _announce_update(self) -> Member:
        self.record(
            MemberUpdated(
                member_id=self.id,
                name=self.name,
                community_id=self.community_id,
                street_id=self.street_id,
                grid_id=self.grid_id,
                grants=self.grants,
                status=self.status,
                proxy_redemption_refused=self.proxy_redemption_refused,
                updated_at=self.updated_at,
            )
        )
        return self


def valid_name(name: str) -> str:
    name = required("name", name, "姓名")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidArgument(
            "name", f"姓名不能超过 {MAX_NAME_LENGTH} 个字", f"must be at most {MAX_NAME_LENGTH} characters"
        )
    return name


def valid_password(password: str, field_name: str = "password") -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidArgument(
            field_name,
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 位",
            f"must be at least {MIN_PASSWORD_LENGTH} characters",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidArgument(
            field_name,
            f"密码不能超过 {MAX_PASSWORD_LENGTH} 位",
            f"must be at most {MAX_PASSWORD_LENGTH} characters",
        )
    return password


MAX_ID_LENGTH = 40


def check_grant_shape(grant: Grant) -> Grant:
    """Each role names exactly the place it applies to (DESIGN §4), and nothing else."""
    if grant.role not in MEMBER_ROLES:
        raise InvalidArgument("roles", f"未知角色：{grant.role or '空'}", f"unknown role {grant.role!r}")
    if any(
        len(value) > MAX_ID_LENGTH
        for value in (grant.community_id, grant.street_id, grant.shop_id, grant.grid_id)
    ):
        raise InvalidArgument("roles", "编号过长", f"ids are at most {MAX_ID_LENGTH} characters")
    if grant.role == ADMIN:
        if bool(grant.community_id) == bool(grant.street_id):
            raise InvalidArgument(
                "roles",
                "管理员须指定一个社区或一个街道",
                "an admin grant names exactly one community or one street",
            )
        return Grant(ADMIN, community_id=grant.community_id, street_id=grant.street_id)
    if grant.role == STAFF:
        if not grant.shop_id:
            raise InvalidArgument("roles", "店员须指定所在门店", "a staff grant names its shop_id")
        return Grant(STAFF, shop_id=grant.shop_id)
    if grant.role == GRID_WORKER:
        if not grant.grid_id:
            raise InvalidArgument("roles", "网格员须指定所在网格", "a grid_worker grant names its grid_id")
        return Grant(GRID_WORKER, grid_id=grant.grid_id)
    return Grant(VOLUNTEER)


def check_grants(grants: tuple[Grant, ...]) -> tuple[Grant, ...]:
    shaped = tuple(dict.fromkeys(check_grant_shape(g) for g in grants))
    if not shaped:
        raise InvalidArgument("roles", "至少需要一个角色", "at least one role is required")
    if sum(1 for g in shaped if g.role == STAFF) > 1:
        raise InvalidArgument("roles", "店员只能在一个门店工作", "staff work at one shop only")
    return shaped
