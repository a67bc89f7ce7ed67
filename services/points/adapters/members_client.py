"""The members service as points asks it directly; a call members does not answer raises points' own
MembersUnavailable."""

from __future__ import annotations

from jifen import members_client

from ..service.ports import MembersUnavailable


class GrpcMembers(members_client.GrpcMembers):
    unavailable = MembersUnavailable
