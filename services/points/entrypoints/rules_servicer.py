"""The RulesService servicer: builds commands from requests, calls the use cases, builds responses."""

from __future__ import annotations

from collections.abc import Callable

from jifen.clock import Clock, utcnow
from jifen.grpc_server import current_caller
from jifen.points.v1 import rules_pb2 as pb
from jifen.points.v1 import rules_pb2_grpc as pb_grpc
from jifen.timestamps import field_time

from ..service.ports import UnitOfWork
from ..service.rules import handlers as rules
from ..service.rules import preview
from ..service.rules.commands import (
    ListRuleVersions,
    PreviewRuleVersion,
    PublishRuleVersion,
    ResolveRuleVersion,
)
from . import rule_messages as messages


class RulesServicer(pb_grpc.RulesServiceServicer):
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock = utcnow):
        self.uow = uow_factory
        self.clock = clock

    def PublishRuleVersion(self, request, context):
        cmd = PublishRuleVersion(
            request_id=request.request_id,
            actor=current_caller(),
            rules=messages.rule_set_of(request),
            community_id=request.community_id,
            street_id=request.street_id,
            effective_from=field_time(request, "effective_from"),
            note=request.note,
            title=request.title,
        )
        version = rules.publish_rule_version(cmd, self.uow(), self.clock)
        return pb.PublishRuleVersionResponse(rule_version=messages.rule_version(version))

    def GetRuleVersion(self, request, context):
        version = rules.get_rule_version(request.rule_version_id, self.uow())
        return pb.GetRuleVersionResponse(rule_version=messages.rule_version(version))

    def ResolveRuleVersion(self, request, context):
        query = ResolveRuleVersion(community_id=request.community_id, at=field_time(request, "at"))
        version = rules.resolve_rule_version(query, self.uow(), self.clock)
        return pb.ResolveRuleVersionResponse(rule_version=messages.rule_version(version))

    def ListRuleVersions(self, request, context):
        query = ListRuleVersions(
            community_id=request.community_id,
            street_id=request.street_id,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        found, next_token = rules.list_rule_versions(query, self.uow())
        return pb.ListRuleVersionsResponse(
            rule_versions=[messages.rule_version(v) for v in found], next_page_token=next_token
        )

    def PreviewRuleVersion(self, request, context):
        query = PreviewRuleVersion(
            actor=current_caller(),
            rules=messages.rule_set_of(request),
            period_start=field_time(request, "period_start"),
            period_end=field_time(request, "period_end"),
            community_id=request.community_id,
            street_id=request.street_id,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return messages.preview_response(preview.preview_rule_version(query, self.uow(), self.clock))
