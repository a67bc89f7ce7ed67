"""What the market does when the members service announces something: keep its copy of members
(jifen.member_copies), nothing more.

The market needs to know who a member is (grid, community) for 代兑换 and scope checks, and which
shop a staff member works at for Shop.staff_ids; the copy holds both.
"""

from __future__ import annotations

from jifen.member_copies import MemberCopyHandlers, MemberHook

_copies = MemberCopyHandlers(MemberHook())

member_registered = _copies.member_registered
member_updated = _copies.member_updated
member_deactivated = _copies.member_deactivated
member_reactivated = _copies.member_reactivated
community_created = _copies.community_created
