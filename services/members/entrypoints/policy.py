"""The members access policy: every RPC, who may call it, and the scope check its use case applies."""

from __future__ import annotations

from jifen.caller import ADMIN, GRID_WORKER, SERVICE
from jifen.members.v1 import members_pb2
from jifen.policy import ANY_MEMBER, PUBLIC, rule

MEMBERS = members_pb2.DESCRIPTOR.services_by_name["MembersService"]
DIRECTORY = members_pb2.DESCRIPTOR.services_by_name["DirectoryService"]
DESCRIPTORS = [MEMBERS, DIRECTORY]

_M = "/jifen.members.v1.MembersService/"
_D = "/jifen.members.v1.DirectoryService/"

POLICY = {
    _M + "RegisterVolunteer": rule(
        PUBLIC,
        scope="into an existing community and grid: an admin of it, or anyone where the community takes "
        "self-registration (limited per client address)",
    ),
    _M + "Login": rule(PUBLIC, scope="rate-limited per phone number"),
    _M + "RefreshToken": rule(PUBLIC, scope="the refresh token is the credential; it works once"),
    _M + "Logout": rule(PUBLIC, scope="the refresh token is the credential"),
    _M + "GetMember": rule(
        ANY_MEMBER,
        SERVICE,
        scope="self, admin of the member's community or street, grid worker of the member's grid",
    ),
    _M + "ListMembers": rule(
        ADMIN,
        GRID_WORKER,
        SERVICE,
        scope="admin: own communities or street; grid worker: own grid; a service (audits): everyone",
    ),
    _M + "UpdateMember": rule(
        ANY_MEMBER, scope="self (name, phone) or admin of the member (and of a new community)"
    ),
    _M + "ChangePassword": rule(ANY_MEMBER, scope="self with the current password, or admin of the member"),
    _M + "SetRoles": rule(ADMIN, scope="admin of the member and of every role granted or removed"),
    _M + "DeactivateMember": rule(ADMIN, scope="admin of the member, not oneself"),
    _M + "ReactivateMember": rule(ADMIN, scope="admin of the member"),
    _M + "ListRoleChanges": rule(ADMIN, scope="admin of the community (or its street)"),
    _D + "CreateStreet": rule(ADMIN, scope="street admins"),
    _D + "ListStreets": rule(PUBLIC, scope="registration pages list places"),
    _D + "CreateCommunity": rule(ADMIN, scope="admin of the street"),
    _D + "ListCommunities": rule(PUBLIC, scope="registration pages list places"),
    _D + "GetCommunity": rule(PUBLIC, scope="what ListCommunities shows, by id"),
    _D + "SetSelfRegistration": rule(ADMIN, scope="admin of the community or street"),
    _D + "CreateGrid": rule(ADMIN, scope="admin of the community"),
    _D + "ListGrids": rule(PUBLIC, scope="registration pages list places"),
    _D + "CreateOrganization": rule(ADMIN, scope="admin of the community or street"),
    _D + "ListOrganizations": rule(ANY_MEMBER, SERVICE, scope="any member"),
    _D + "AddOrganizationMember": rule(ADMIN, scope="admin of the organization's community or street"),
}
