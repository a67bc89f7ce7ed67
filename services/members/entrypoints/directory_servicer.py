"""The DirectoryService servicer: streets, communities, grids and partner organisations.

Each RPC checks the caller, builds the command, calls the use case and builds the response.
"""

from __future__ import annotations

from collections.abc import Callable

from jifen.grpc_server import current_caller
from jifen.members.v1 import members_pb2 as pb
from jifen.members.v1 import members_pb2_grpc as pb_grpc

from ..service import commands, directory
from ..service.ports import UnitOfWork
from . import members_messages


class DirectoryServicer(pb_grpc.DirectoryServiceServicer):
    def __init__(self, uow: Callable[[], UnitOfWork]):
        self.uow = uow

    def CreateStreet(self, request, context):
        cmd = commands.CreateStreet(request_id=request.request_id, actor=current_caller(), name=request.name)
        return pb.CreateStreetResponse(
            street=members_messages.street(directory.create_street(cmd, self.uow()))
        )

    def ListStreets(self, request, context):
        found, token = directory.list_streets(request.page_size, request.page_token, self.uow())
        return pb.ListStreetsResponse(
            streets=[members_messages.street(s) for s in found], next_page_token=token
        )

    def CreateCommunity(self, request, context):
        cmd = commands.CreateCommunity(
            request_id=request.request_id,
            actor=current_caller(),
            street_id=request.street_id,
            name=request.name,
            address=request.address,
        )
        return pb.CreateCommunityResponse(
            community=members_messages.community(directory.create_community(cmd, self.uow()))
        )

    def ListCommunities(self, request, context):
        found, token = directory.list_communities(
            request.street_id, request.page_size, request.page_token, self.uow()
        )
        return pb.ListCommunitiesResponse(
            communities=[members_messages.community(c) for c in found], next_page_token=token
        )

    def GetCommunity(self, request, context):
        found = directory.get_community(request.community_id, self.uow())
        return pb.GetCommunityResponse(community=members_messages.community(found))

    def SetSelfRegistration(self, request, context):
        cmd = commands.SetSelfRegistration(
            request_id=request.request_id,
            actor=current_caller(),
            community_id=request.community_id,
            self_registration=members_messages.SELF_REGISTRATION_NAMES.get(request.self_registration, ""),
        )
        return pb.SetSelfRegistrationResponse(
            community=members_messages.community(directory.set_self_registration(cmd, self.uow()))
        )

    def CreateGrid(self, request, context):
        cmd = commands.CreateGrid(
            request_id=request.request_id,
            actor=current_caller(),
            community_id=request.community_id,
            name=request.name,
        )
        return pb.CreateGridResponse(grid=members_messages.grid(directory.create_grid(cmd, self.uow())))

    def ListGrids(self, request, context):
        found, token = directory.list_grids(
            request.community_id, request.page_size, request.page_token, self.uow()
        )
        return pb.ListGridsResponse(grids=[members_messages.grid(g) for g in found], next_page_token=token)

    def CreateOrganization(self, request, context):
        cmd = commands.CreateOrganization(
            request_id=request.request_id,
            actor=current_caller(),
            name=request.name,
            kind=members_messages.KIND_NAMES.get(request.kind, ""),
            community_id=request.community_id,
            street_id=request.street_id,
            contact_name=request.contact_name,
            contact_phone=request.contact_phone,
        )
        created = directory.create_organization(cmd, self.uow())
        return pb.CreateOrganizationResponse(organization=members_messages.organization(created))

    def ListOrganizations(self, request, context):
        found, token = directory.list_organizations(
            request.community_id, request.street_id, request.page_size, request.page_token, self.uow()
        )
        return pb.ListOrganizationsResponse(
            organizations=[members_messages.organization(o) for o in found], next_page_token=token
        )

    def AddOrganizationMember(self, request, context):
        caller = current_caller()
        cmd = commands.AddOrganizationMember(
            request_id=request.request_id,
            actor=caller,
            organization_id=request.organization_id,
            member_id=request.member_id,
        )
        organization, member = directory.add_organization_member(cmd, self.uow())
        return pb.AddOrganizationMemberResponse(
            organization=members_messages.organization(organization),
            member=members_messages.member(member, caller),
        )
