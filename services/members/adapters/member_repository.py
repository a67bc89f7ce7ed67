"""The members over SQLAlchemy Core: rows in, domain objects out."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import astuple
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from jifen.caller import Grant
from jifen.clock import as_utc

from ..domain.member import Member
from ..service.ports import MemberFilter
from .tables import member_roles, members, organization_members

GRANT_COLUMNS = ("role", "community_id", "street_id", "shop_id", "grid_id")

PHONE_TAIL = re.compile(r"\d{4}")


class SqlMemberRepository:
    def __init__(self, connection: Connection, seen: list | None = None):
        self.connection = connection
        # The unit of work's list: what a member written here recorded is sent at its commit.
        self.seen = [] if seen is None else seen

    def add(self, member: Member) -> None:
        self.connection.execute(members.insert().values(**self._row(member)))
        self._write_grants(member)
        self.seen.append(member)

    def save(self, member: Member) -> None:
        self.connection.execute(members.update().where(members.c.id == member.id).values(**self._row(member)))
        self.connection.execute(member_roles.delete().where(member_roles.c.member_id == member.id))
        self._write_grants(member)
        self.seen.append(member)

    def get(self, member_id: str, lock: bool = False) -> Member | None:
        query = sa.select(members).where(members.c.id == member_id)
        # SQLite has no row locks; its BEGIN IMMEDIATE already serialises writing transactions.
        found = self._load(query.with_for_update() if lock else query)
        return found[0] if found else None

    def by_phone(self, phone: str) -> Member | None:
        found = self._load(sa.select(members).where(members.c.phone == phone))
        return found[0] if found else None

    def list(self, where: MemberFilter, offset: int, limit: int) -> list[Member]:
        query = sa.select(members)
        scope = []
        if where.community_ids:
            scope.append(members.c.community_id.in_(where.community_ids))
        if where.street_ids:
            scope.append(members.c.street_id.in_(where.street_ids))
        if scope:
            query = query.where(sa.or_(*scope))
        if where.grid_id:
            query = query.where(members.c.grid_id == where.grid_id)
        if where.status:
            query = query.where(members.c.status == where.status)
        if where.role:
            query = query.where(
                members.c.id.in_(sa.select(member_roles.c.member_id).where(member_roles.c.role == where.role))
            )
        if where.query:
            # Part of the name, the last four digits as a masked number shows them, or the whole phone
            # for a caller who sees whole numbers (see MemberFilter.whole_phone).
            tail = members.c.phone.endswith(where.query) if PHONE_TAIL.fullmatch(where.query) else sa.false()
            name = members.c.name.contains(where.query, autoescape=True)
            whole = members.c.phone == where.query if where.whole_phone else sa.false()
            query = query.where(sa.or_(name, whole, tail))
        return self._load(query.order_by(members.c.id).offset(offset).limit(limit))

    def join_organization(self, organization_id: str, member_id: str, now: datetime) -> bool:
        exists = self.connection.execute(
            sa.select(organization_members.c.member_id).where(
                organization_members.c.organization_id == organization_id,
                organization_members.c.member_id == member_id,
            )
        ).first()
        if exists:
            return False
        self.connection.execute(
            organization_members.insert().values(
                organization_id=organization_id, member_id=member_id, joined_at=now
            )
        )
        return True

    @staticmethod
    def _row(member: Member) -> dict:
        return {
            "id": member.id,
            "name": member.name,
            "phone": member.phone,
            "password_hash": member.password_hash,
            "community_id": member.community_id,
            "street_id": member.street_id,
            "grid_id": member.grid_id,
            "status": member.status,
            "deactivation_reason": member.deactivation_reason,
            "proxy_redemption_refused": member.proxy_redemption_refused,
            "created_at": member.created_at,
            "updated_at": member.updated_at,
        }

    def _write_grants(self, member: Member) -> None:
        if member.grants:
            self.connection.execute(
                member_roles.insert(),
                [
                    {"member_id": member.id, **{c: getattr(g, c) for c in GRANT_COLUMNS}}
                    for g in member.grants
                ],
            )

    def _load(self, query) -> list[Member]:
        rows = self.connection.execute(query).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        grants: dict[str, list[Grant]] = defaultdict(list)
        for g in self.connection.execute(sa.select(member_roles).where(member_roles.c.member_id.in_(ids))):
            grants[g.member_id].append(Grant(*(getattr(g, c) for c in GRANT_COLUMNS)))
        orgs: dict[str, list[str]] = defaultdict(list)
        for o in self.connection.execute(
            sa.select(organization_members).where(organization_members.c.member_id.in_(ids))
        ):
            orgs[o.member_id].append(o.organization_id)
        return [
            Member(
                id=r.id,
                name=r.name,
                phone=r.phone,
                password_hash=r.password_hash,
                community_id=r.community_id,
                street_id=r.street_id,
                grid_id=r.grid_id,
                grants=tuple(sorted(grants[r.id], key=astuple)),
                status=r.status,
                organization_ids=tuple(sorted(orgs[r.id])),
                created_at=as_utc(r.created_at),
                updated_at=as_utc(r.updated_at),
                deactivation_reason=r.deactivation_reason,
                proxy_redemption_refused=bool(r.proxy_redemption_refused),
            )
            for r in rows
        ]
