"""The MembersService servicer: people, their sessions and standing.

Each RPC checks the caller, builds the command, calls the use case and builds the response.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from jifen.grpc_server import current_caller, person_address
from jifen.members.v1 import members_pb2 as pb
from jifen.members.v1 import members_pb2_grpc as pb_grpc

from ..service import commands, login, members, registration, role_history, sessions
from ..service.ports import LoginLimiter, PasswordHasher, TokenMinter, UnitOfWork
from . import members_messages, role_change_messages


class MembersServicer(pb_grpc.MembersServiceServicer):
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        passwords: PasswordHasher,
        limiter: LoginLimiter,
        tokens: TokenMinter,
        clients: LoginLimiter | None = None,
        refresh_ttl: timedelta = sessions.REFRESH_TTL,
        registrations: LoginLimiter | None = None,
    ):
        self.uow = uow
        self.registrations = registrations
        self.passwords = passwords
        self.limiter = limiter
        self.tokens = tokens
        self.clients = clients
        self.refresh_ttl = refresh_ttl

    def RegisterVolunteer(self, request, context):
        cmd = commands.RegisterVolunteer(
            request_id=request.request_id,
            name=request.name,
            phone=request.phone,
            password=request.password,
            community_id=request.community_id,
            grid_id=request.grid_id,
            actor=current_caller(),
            client=person_address(context),
        )
        member = registration.register_volunteer(cmd, self.uow(), self.passwords, self.registrations)
        if member is None or not cmd.actor.administers(member.community_id, member.street_id):
            # The same empty answer whether the phone was free or taken (see register_volunteer).
            return pb.RegisterVolunteerResponse()
        return pb.RegisterVolunteerResponse(member=members_messages.member(member, cmd.actor))

    def Login(self, request, context):
        done = login.login(
            commands.Login(phone=request.phone, password=request.password, client=person_address(context)),
            self.uow(),
            self.passwords,
            self.limiter,
            self.tokens,
            self.clients,
            self.refresh_ttl,
        )
        return pb.LoginResponse(**members_messages.session(done))

    def RefreshToken(self, request, context):
        cmd = commands.RefreshSession(refresh_token=request.refresh_token)
        done = sessions.refresh(cmd, self.uow(), self.tokens, self.refresh_ttl)
        return pb.RefreshTokenResponse(**members_messages.session(done))

    def Logout(self, request, context):
        sessions.logout(commands.Logout(refresh_token=request.refresh_token), self.uow())
        return pb.LogoutResponse()

    def GetMember(self, request, context):
        caller = current_caller()
        member = members.get_member(caller, request.member_id, self.uow())
        return pb.GetMemberResponse(member=members_messages.member(member, caller))

    def ListMembers(self, request, context):
        caller = current_caller()
        query = commands.ListMembers(
            actor=caller,
            community_id=request.community_id,
            grid_id=request.grid_id,
            role=members_messages.role_name(request.role),
            query=request.query,
            status=members_messages.STATUS_NAMES.get(request.status, ""),
            page_size=request.page_size,
            page_token=request.page_token,
        )
        found, next_token = members.list_members(query, self.uow())
        return pb.ListMembersResponse(
            members=[members_messages.member(m, caller) for m in found], next_page_token=next_token
        )

    def UpdateMember(self, request, context):
        caller = current_caller()
        cmd = commands.UpdateMember(
            request_id=request.request_id,
            actor=caller,
            member_id=request.member_id,
            fields=tuple(sorted(request.update_mask.paths)),
            name=request.name,
            phone=request.phone,
            community_id=request.community_id,
            grid_id=request.grid_id,
            proxy_redemption_refused=request.proxy_redemption_refused,
        )
        return pb.UpdateMemberResponse(
            member=members_messages.member(members.update_member(cmd, self.uow()), caller)
        )

    def ChangePassword(self, request, context):
        cmd = commands.ChangePassword(
            request_id=request.request_id,
            actor=current_caller(),
            member_id=request.member_id,
            current_password=request.current_password,
            new_password=request.new_password,
        )
        members.change_password(cmd, self.uow(), self.passwords, self.limiter)
        return pb.ChangePasswordResponse()

    def SetRoles(self, request, context):
        caller = current_caller()
        cmd = commands.SetRoles(
            request_id=request.request_id,
            actor=caller,
            member_id=request.member_id,
            grants=tuple(members_messages.grant(g) for g in request.roles),
        )
        return pb.SetRolesResponse(member=members_messages.member(members.set_roles(cmd, self.uow()), caller))

    def DeactivateMember(self, request, context):
        caller = current_caller()
        cmd = commands.DeactivateMember(
            request_id=request.request_id, actor=caller, member_id=request.member_id, reason=request.reason
        )
        return pb.DeactivateMemberResponse(
            member=members_messages.member(members.deactivate_member(cmd, self.uow()), caller)
        )

    def ReactivateMember(self, request, context):
        caller = current_caller()
        cmd = commands.ReactivateMember(
            request_id=request.request_id, actor=caller, member_id=request.member_id, reason=request.reason
        )
        return pb.ReactivateMemberResponse(
            member=members_messages.member(members.reactivate_member(cmd, self.uow()), caller)
        )

    def ListRoleChanges(self, request, context):
        query = role_change_messages.list_query(request, current_caller())
        found, next_token = role_history.list_role_changes(query, self.uow())
        return pb.ListRoleChangesResponse(
            role_changes=[role_change_messages.role_change(c) for c in found], next_page_token=next_token
        )
