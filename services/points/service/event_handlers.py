"""What points does when the members service announces something: the runtime keeps the copy
(jifen.member_copies), and points' accounts follow (member_hooks)."""

from __future__ import annotations

from jifen.envelope import Envelope
from jifen.member_copies import MemberCopyHandlers

from .member_hooks import AccountsFollowMembers
from .ports import UnitOfWork

_copies = MemberCopyHandlers(AccountsFollowMembers())

member_registered = _copies.member_registered
member_deactivated = _copies.member_deactivated
member_reactivated = _copies.member_reactivated
community_created = _copies.community_created


def member_updated(uow: UnitOfWork, envelope: Envelope) -> str:
    """Returns the community the member left, or "" when it did not change (or the event was stale)."""
    return _copies.member_updated(uow, envelope) or ""
