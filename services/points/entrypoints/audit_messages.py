"""The audit trail's request and events as jifen.points.v1 messages."""

from __future__ import annotations

from jifen.errors import InvalidArgument
from jifen.points.v1 import ledger_pb2 as pb
from jifen.proto_enums import enum_names
from jifen.timestamps import field_time, to_timestamp

from ..domain.audit_trail import AuditEvent
from ..service.audit_trail import ListAuditEvents

AUDIT_KIND, AUDIT_KIND_NAME = enum_names(pb.AuditKind, "AUDIT_KIND_")


def list_query(request: pb.ListAuditEventsRequest, actor) -> ListAuditEvents:
    kinds = []
    for number in request.kinds:
        if number not in AUDIT_KIND_NAME:
            raise InvalidArgument("kinds", "未知的操作类型", "holds an unknown audit kind")
        kinds.append(AUDIT_KIND_NAME[number])
    return ListAuditEvents(
        actor=actor,
        community_id=request.community_id,
        kinds=tuple(kinds),
        created_after=field_time(request, "created_after"),
        created_before=field_time(request, "created_before"),
        page_size=request.page_size,
        page_token=request.page_token,
    )


def event(value: AuditEvent) -> pb.AuditEvent:
    return pb.AuditEvent(
        audit_event_id=value.id,
        kind=AUDIT_KIND[value.kind],
        actor_id=value.actor_id,
        occurred_at=to_timestamp(value.occurred_at),
        reason=value.reason,
        member_id=value.member_id,
        points=value.points,
        source_id=value.source_id,
        rule_version_id=value.rule_version_id,
    )
