"""Who is signed in: the verified claims of their own token, and the credentials calls are made with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from jifen.caller import ADMIN, GRID_WORKER, STAFF, Caller

from ..adapters.grpc_calls import Credentials
from .errors import ActionError, Kind


@dataclass(frozen=True)
class Session:
    token: str
    caller: Caller
    credentials: Credentials
    # The person's language: Chinese text in, the catalogue's translation out.
    gettext: Callable[[str], str] = field(default=lambda text: text, compare=False)

    @property
    def member_id(self) -> str:
        return self.caller.member_id

    @property
    def shop_id(self) -> str:
        return next((g.shop_id for g in self.caller.grants if g.role == STAFF and g.shop_id), "")

    @property
    def grid_ids(self) -> list[str]:
        return [g.grid_id for g in self.caller.grants if g.role == GRID_WORKER and g.grid_id]

    @property
    def is_staff(self) -> bool:
        return bool(self.shop_id)

    @property
    def is_grid_worker(self) -> bool:
        return bool(self.grid_ids)

    @property
    def is_admin(self) -> bool:
        return self.caller.has(ADMIN)


def require(allowed: bool, session: Session) -> None:
    """Hides what a person cannot do; the services refuse it anyway with their own check."""
    if not allowed:
        raise ActionError(Kind.FORBIDDEN, session.gettext("您没有权限打开这个页面"))
