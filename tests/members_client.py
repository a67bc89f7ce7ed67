"""A thin test client of the members api: the calls a story needs, with readable names."""

from __future__ import annotations

import uuid

import grpc

from jifen.members.v1 import members_pb2 as m
from jifen.members.v1 import members_pb2_grpc as m_grpc

PASSWORD = "secret-123"


def rid() -> str:
    return uuid.uuid4().hex


def bearer(token: str) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {token}")]


class MembersClient:
    def __init__(self, target: str):
        self.channel = grpc.insecure_channel(target)
        grpc.channel_ready_future(self.channel).result(timeout=15)
        self.members = m_grpc.MembersServiceStub(self.channel)
        self.directory = m_grpc.DirectoryServiceStub(self.channel)

    def close(self) -> None:
        self.channel.close()

    def login(self, phone: str, password: str = PASSWORD) -> str:
        return self.members.Login(m.LoginRequest(phone=phone, password=password)).access_token

    def register(self, name: str, phone: str, community_id: str, grid_id: str = "", **kw) -> m.Member:
        request = m.RegisterVolunteerRequest(
            request_id=kw.pop("request_id", rid()),
            name=name,
            phone=phone,
            password=kw.pop("password", PASSWORD),
            community_id=community_id,
            grid_id=grid_id,
        )
        answer = self.members.RegisterVolunteer(request, **kw)
        if answer.HasField("member"):
            return answer.member
        # Self-registration shows no member (the answer must not tell whether the phone was taken):
        # the new volunteer logs in to see themself.
        return self.members.Login(m.LoginRequest(phone=phone, password=request.password)).member

    def community(self, admin_token: str, street_id: str, name: str) -> m.Community:
        return self.directory.CreateCommunity(
            m.CreateCommunityRequest(request_id=rid(), street_id=street_id, name=name),
            metadata=bearer(admin_token),
        ).community

    def grid(self, admin_token: str, community_id: str, name: str) -> m.Grid:
        return self.directory.CreateGrid(
            m.CreateGridRequest(request_id=rid(), community_id=community_id, name=name),
            metadata=bearer(admin_token),
        ).grid

    def set_roles(self, admin_token: str, member_id: str, *roles: m.RoleGrant) -> m.Member:
        return self.members.SetRoles(
            m.SetRolesRequest(request_id=rid(), member_id=member_id, roles=roles),
            metadata=bearer(admin_token),
        ).member

    def street_id(self, name: str) -> str:
        return next(
            s.street_id for s in self.directory.ListStreets(m.ListStreetsRequest()).streets if s.name == name
        )
