"""Loading what a use case acts on, with the error a person understands when it is not there."""

from __future__ import annotations

from jifen.errors import InvalidArgument, NotFound, required

from ..domain.directory import Community, Grid, Organization, Street
from ..domain.member import Member


def _existing(find, key: str, value: str, zh_name: str, en_name: str):
    found = find(required(key, value, f"{zh_name}编号"))
    if found is None:
        raise NotFound(f"找不到该{zh_name}", f"{en_name} {value} not found")
    return found


def known_member(uow, member_id: str, lock: bool = False) -> Member:
    """With lock, the row stays locked until the transaction ends, so concurrent changes queue up."""
    return _existing(lambda i: uow.members.get(i, lock=lock), "member_id", member_id, "成员", "member")


def known_street(uow, street_id: str) -> Street:
    return _existing(uow.directory.street, "street_id", street_id, "街道", "street")


def known_community(uow, community_id: str) -> Community:
    return _existing(uow.directory.community, "community_id", community_id, "社区", "community")


def known_organization(uow, organization_id: str) -> Organization:
    return _existing(uow.directory.organization, "organization_id", organization_id, "单位", "organization")


def known_chosen_community(uow, community_id: str) -> Community:
    """A community chosen inside a request body: unknown is bad input, not a missing resource."""
    found = uow.directory.community(required("community_id", community_id, "社区"))
    if found is None:
        raise InvalidArgument("community_id", "所选社区不存在", f"no community {community_id}")
    return found


def known_chosen_grid(uow, grid_id: str, community_id: str) -> Grid | None:
    """A grid chosen inside a request body, which must lie in the community; none when not given."""
    if not grid_id:
        return None
    found = uow.directory.grid(grid_id)
    if found is None or found.community_id != community_id:
        raise InvalidArgument(
            "grid_id", "所选网格不属于该社区", f"no grid {grid_id} in community {community_id}"
        )
    return found
