"""The members service as the market asks it directly; a call members does not answer raises the
market's own MembersUnavailable."""

from __future__ import annotations

from jifen import members_client

from ..service.ports import MembersUnavailable


class GrpcMembers(members_client.GrpcMembers):
    unavailable = MembersUnavailable
