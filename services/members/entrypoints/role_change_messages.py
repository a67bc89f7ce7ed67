"""The role-change audit trail as jifen.members.v1 messages."""

from __future__ import annotations

from jifen.caller import Caller, Grant
from jifen.errors import InvalidArgument
from jifen.members.v1 import members_pb2 as pb
from jifen.proto_enums import enum_names
from jifen.timestamps import field_time, to_timestamp

from ..domain.role_change import RoleChange
from ..service.commands import ListRoleChanges
from .members_messages import ROLES

KIND, KIND_NAME = enum_names(pb.RoleChangeKind, "ROLE_CHANGE_KIND_")


def list_query(request: pb.ListRoleChangesRequest, actor: Caller) -> ListRoleChanges:
    kinds = []
    for number in request.kinds:
        if number not in KIND_NAME:
            raise InvalidArgument("kinds", "未知的变更类型", "holds an unknown role change kind")
        kinds.append(KIND_NAME[number])
    return ListRoleChanges(
        actor=actor,
        community_id=request.community_id,
        kinds=tuple(kinds),
        created_after=field_time(request, "created_after"),
        created_before=field_time(request, "created_before"),
        page_size=request.page_size,
        page_token=request.page_token,
    )


def _grant(value: Grant) -> pb.RoleGrant:
    return pb.RoleGrant(
        role=ROLES[value.role],
        community_id=value.community_id,
        street_id=value.street_id,
        shop_id=value.shop_id,
        grid_id=value.grid_id,
    )


def role_change(value: RoleChange) -> pb.RoleChange:
    return pb.RoleChange(
        role_change_id=value.id,
        kind=KIND[value.kind],
        member_id=value.member_id,
        community_id=value.community_id,
        actor_id=value.actor_id,
        occurred_at=to_timestamp(value.occurred_at),
        roles_before=[_grant(g) for g in value.roles_before],
        roles_after=[_grant(g) for g in value.roles_after],
        reason=value.reason,
    )
