"""The street, communities and admins the points tests below the gRPC api start from."""

from __future__ import annotations

from pathlib import Path

from jifen.caller import ADMIN, Caller, Grant
from services.points.domain.people import CommunityCopy

MIGRATIONS = Path("services/points/migrations")
STREET = "st-1"
HOME = CommunityCopy("co-a", STREET, "张苏滩社区")
OTHER = CommunityCopy("co-b", STREET, "天庆嘉园社区")
ADMIN_HOME = Caller(member_id="admin-a", grants=(Grant(ADMIN, community_id=HOME.id),))
STREET_ADMIN = Caller(member_id="admin-st", grants=(Grant(ADMIN, street_id=STREET),))
