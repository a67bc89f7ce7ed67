"""What the points service knows of members and communities: the runtime's copy, kept from members' events."""

from __future__ import annotations

from jifen.member_copies import ACTIVE, DEACTIVATED, CommunityCopy, MemberCopy

__all__ = ["ACTIVE", "DEACTIVATED", "CommunityCopy", "MemberCopy"]
