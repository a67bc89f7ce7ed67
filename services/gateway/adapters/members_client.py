"""The members service as the gateway uses it: logging in, people, passwords."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from google.protobuf.field_mask_pb2 import FieldMask

from jifen.grpc_server import CLIENT_ADDRESS_HEADER
from jifen.members.v1 import members_pb2 as pb
from jifen.members.v1 import members_pb2_grpc as pb_grpc
from jifen.timestamps import to_timestamp

from .grpc_calls import Credentials, call, open_channel


class MembersClient:
    def __init__(self, target: str, timeout: float, service_token: Callable[[], str] | None = None):
        self.channel = open_channel(target)
        self.members = pb_grpc.MembersServiceStub(self.channel)
        self.directory = pb_grpc.DirectoryServiceStub(self.channel)
        self.timeout = timeout
        self.service_token = service_token

    def login(self, phone: str, password: str, who: Credentials) -> pb.LoginResponse:
        # The gateway vouches for the person's address with its own token; the login itself is public.
        own = self.service_token() if self.service_token else ""
        vouched = Credentials(token=own, locale=who.locale)
        extra = ((CLIENT_ADDRESS_HEADER, who.client),) if who.client and own else ()
        return call(
            self.members.Login, pb.LoginRequest(phone=phone, password=password), vouched, self.timeout, extra
        )

    def refresh(self, refresh_token: str, who: Credentials) -> pb.RefreshTokenResponse:
        request = pb.RefreshTokenRequest(refresh_token=refresh_token)
        return call(self.members.RefreshToken, request, Credentials(locale=who.locale), self.timeout)

    def logout(self, refresh_token: str, who: Credentials) -> None:
        request = pb.LogoutRequest(refresh_token=refresh_token)
        call(self.members.Logout, request, Credentials(locale=who.locale), self.timeout)

    def member(self, who: Credentials, member_id: str) -> pb.Member:
        return call(
            self.members.GetMember, pb.GetMemberRequest(member_id=member_id), who, self.timeout
        ).member

    def community_members(
        self, who: Credentials, community_id: str, query: str, role: int, status: int, page_token: str = ""
    ) -> pb.ListMembersResponse:
        request = pb.ListMembersRequest(
            community_id=community_id,
            query=query,
            role=role,
            status=status,
            page_size=50,
            page_token=page_token,
        )
        return call(self.members.ListMembers, request, who, self.timeout)

    def grid_members(
        self, who: Credentials, grid_id: str, query: str, page_size: int = 50
    ) -> list[pb.Member]:
        request = pb.ListMembersRequest(
            grid_id=grid_id, query=query, status=pb.MEMBER_STATUS_ACTIVE, page_size=page_size
        )
        return list(call(self.members.ListMembers, request, who, self.timeout).members)

    def change_password(
        self, who: Credentials, request_id: str, member_id: str, current: str, new: str
    ) -> None:
        request = pb.ChangePasswordRequest(
            request_id=request_id, member_id=member_id, current_password=current, new_password=new
        )
        call(self.members.ChangePassword, request, who, self.timeout)

    def set_proxy_redemption(
        self, who: Credentials, request_id: str, member_id: str, refused: bool
    ) -> pb.Member:
        request = pb.UpdateMemberRequest(
            request_id=request_id,
            member_id=member_id,
            proxy_redemption_refused=refused,
            update_mask=FieldMask(paths=["proxy_redemption_refused"]),
        )
        return call(self.members.UpdateMember, request, who, self.timeout).member

    def communities(self, who: Credentials, street_id: str) -> list[pb.Community]:
        request = pb.ListCommunitiesRequest(street_id=street_id, page_size=100)
        return list(call(self.directory.ListCommunities, request, who, self.timeout).communities)

    def close(self) -> None:
        self.channel.close()

    # The dashboard and the audit trail.
    def role_changes(
        self, who: Credentials, community_id: str, before: datetime | None, page_size: int
    ) -> list[pb.RoleChange]:
        request = pb.ListRoleChangesRequest(community_id=community_id, page_size=page_size)
        if before is not None:
            request.created_before.CopyFrom(to_timestamp(before))
        return list(call(self.members.ListRoleChanges, request, who, self.timeout).role_changes)

    # people (admin console)
    def member_page(
        self,
        who: Credentials,
        community_id: str,
        grid_id: str,
        query: str,
        role: int,
        status: int,
        page_size: int,
        page_token: str = "",
    ) -> pb.ListMembersResponse:
        request = pb.ListMembersRequest(
            community_id=community_id,
            grid_id=grid_id,
            query=query,
            role=role,
            status=status,
            page_size=page_size,
            page_token=page_token,
        )
        return call(self.members.ListMembers, request, who, self.timeout)

    def register_volunteer(
        self,
        who: Credentials,
        request_id: str,
        name: str,
        phone: str,
        password: str,
        community_id: str,
        grid_id: str,
    ) -> pb.Member:
        request = pb.RegisterVolunteerRequest(
            request_id=request_id,
            name=name,
            phone=phone,
            password=password,
            community_id=community_id,
            grid_id=grid_id,
        )
        return call(self.members.RegisterVolunteer, request, who, self.timeout).member

    def set_roles(
        self, who: Credentials, request_id: str, member_id: str, roles: list[pb.RoleGrant]
    ) -> pb.Member:
        request = pb.SetRolesRequest(request_id=request_id, member_id=member_id, roles=roles)
        return call(self.members.SetRoles, request, who, self.timeout).member

    def deactivate(self, who: Credentials, request_id: str, member_id: str, reason: str) -> pb.Member:
        request = pb.DeactivateMemberRequest(request_id=request_id, member_id=member_id, reason=reason)
        return call(self.members.DeactivateMember, request, who, self.timeout).member

    def reactivate(self, who: Credentials, request_id: str, member_id: str, reason: str) -> pb.Member:
        request = pb.ReactivateMemberRequest(request_id=request_id, member_id=member_id, reason=reason)
        return call(self.members.ReactivateMember, request, who, self.timeout).member

    def grids(self, who: Credentials, community_id: str) -> list[pb.Grid]:
        request = pb.ListGridsRequest(community_id=community_id, page_size=200)
        return list(call(self.directory.ListGrids, request, who, self.timeout).grids)

    def organizations(self, who: Credentials, community_id: str) -> list[pb.Organization]:
        request = pb.ListOrganizationsRequest(community_id=community_id, page_size=200)
        return list(call(self.directory.ListOrganizations, request, who, self.timeout).organizations)

    def create_organization(
        self,
        who: Credentials,
        request_id: str,
        community_id: str,
        name: str,
        kind: int,
        contact_name: str,
        contact_phone: str,
    ) -> pb.Organization:
        request = pb.CreateOrganizationRequest(
            request_id=request_id,
            community_id=community_id,
            name=name,
            kind=kind,
            contact_name=contact_name,
            contact_phone=contact_phone,
        )
        return call(self.directory.CreateOrganization, request, who, self.timeout).organization

    def add_organization_member(
        self, who: Credentials, request_id: str, organization_id: str, member_id: str
    ) -> pb.Organization:
        request = pb.AddOrganizationMemberRequest(
            request_id=request_id, organization_id=organization_id, member_id=member_id
        )
        return call(self.directory.AddOrganizationMember, request, who, self.timeout).organization

    def community(self, who: Credentials, community_id: str) -> pb.Community:
        request = pb.GetCommunityRequest(community_id=community_id)
        return call(self.directory.GetCommunity, request, who, self.timeout).community
