"""The members service as points asks it directly; a call members does not answer raises points' own
MembersUnavailable."""

from __future__ import annotations

import grpc

from jifen import members_client
from jifen.members.v1 import members_pb2 as pb

from ..service.ports import MembersUnavailable


class GrpcMembers(members_client.GrpcMembers):
    unavailable = MembersUnavailable

    def partner_unit(self, member_id: str, organization_id: str, street_id: str) -> str | None:
        """Asked when a member claims a need for a unit: members keeps who belongs to which organisation,
        and no member event carries it, so points asks at the moment of the claim."""
        try:
            member = self._call(self.members.GetMember, pb.GetMemberRequest(member_id=member_id)).member
        except grpc.RpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise self._unavailable(exc) from None
        if organization_id not in member.organization_ids:
            return None
        for scope in ({"community_id": member.community_id}, {"street_id": street_id}):
            for page in self._pages(
                self.directory.ListOrganizations,
                lambda token, scope=scope: pb.ListOrganizationsRequest(
                    **scope, page_size=members_client.PAGE, page_token=token
                ),
            ):
                for found in page.organizations:
                    if found.organization_id == organization_id:
                        kind = pb.ORGANIZATION_KIND_PARTNER_UNIT
                        return found.name if found.kind == kind else None
        return None
