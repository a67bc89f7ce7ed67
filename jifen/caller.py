"""Who is calling: the verified claims of a token, as plain data every layer may read."""

from __future__ import annotations

from dataclasses import dataclass, field

VOLUNTEER = "volunteer"
STAFF = "staff"
ADMIN = "admin"
GRID_WORKER = "grid_worker"
SERVICE = "service"
MEMBER_ROLES = (VOLUNTEER, STAFF, ADMIN, GRID_WORKER)


def service_role(service: str) -> str:
    """The role only that one service holds ("service:market"), for RPCs no other caller may make."""
    return f"{SERVICE}:{service}"


@dataclass(frozen=True)
class Grant:
    role: str
    community_id: str = ""
    street_id: str = ""
    shop_id: str = ""
    grid_id: str = ""

    def to_claim(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class Caller:
    member_id: str = ""
    grants: tuple[Grant, ...] = ()
    community_id: str = ""
    street_id: str = ""
    grid_id: str = ""
    # Set for another Jifen service calling with its service token ("market", ...).
    service: str = ""
    name: str = field(default="", compare=False)

    @property
    def roles(self) -> frozenset[str]:
        if self.service:
            return frozenset({SERVICE, service_role(self.service)})
        return frozenset(g.role for g in self.grants)

    @property
    def is_anonymous(self) -> bool:
        return not self.member_id and not self.service

    def has(self, role: str) -> bool:
        return role in self.roles

    def administers(self, community_id: str, street_id: str) -> bool:
        """True for an admin of that community, or of the street it belongs to."""
        return any(
            g.role == ADMIN
            and (
                (g.community_id and g.community_id == community_id)
                or (g.street_id and g.street_id == street_id)
            )
            for g in self.grants
        )

    def administers_street(self, street_id: str) -> bool:
        return any(g.role == ADMIN and g.street_id == street_id for g in self.grants)

    @property
    def is_street_admin(self) -> bool:
        return any(g.role == ADMIN and g.street_id for g in self.grants)

    def serves_grid(self, grid_id: str) -> bool:
        return bool(grid_id) and any(g.role == GRID_WORKER and g.grid_id == grid_id for g in self.grants)


ANONYMOUS = Caller()
