"""What points does besides keeping its copy of members: every member has an account, frozen while
the member is deactivated, and in the community the member lives in."""

from __future__ import annotations

from jifen.member_copies import MemberCopy, MemberHook

from ..domain.ledger import ACTIVE, FROZEN, Account
from .ports import UnitOfWork


class AccountsFollowMembers(MemberHook):
    def registered(self, uow: UnitOfWork, copy: MemberCopy) -> None:
        uow.ledger.open(Account(member_id=copy.id, community_id=copy.community_id), copy.updated_at)

    def updated(self, uow: UnitOfWork, before: MemberCopy | None, copy: MemberCopy) -> str:
        """Returns the community the member left, or "" when it did not change."""
        at = copy.updated_at
        if uow.ledger.account(copy.id) is None:
            uow.ledger.open(Account(member_id=copy.id, community_id=copy.community_id), at)
        uow.ledger.set_status(copy.id, _account_status(copy), at)
        if before is not None and before.community_id != copy.community_id:
            uow.ledger.move(copy.id, copy.community_id, at)
            return before.community_id
        return ""

    def status_changed(self, uow: UnitOfWork, copy: MemberCopy) -> None:
        uow.ledger.set_status(copy.id, _account_status(copy), copy.updated_at)


def _account_status(copy: MemberCopy) -> str:
    return ACTIVE if copy.active else FROZEN
