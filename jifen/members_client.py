"""The members service as points or the market asks it directly (with the asking service's token):
a community or the communities of a street its events have not brought yet, and every member for
the audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import grpc

from jifen import grpc_client
from jifen.member_copies import CommunityCopy, MembersUnavailable
from jifen.members.v1 import members_pb2 as pb
from jifen.members.v1 import members_pb2_grpc as pb_grpc
from jifen.timestamps import from_timestamp

PAGE = 200


class GrpcMembers:
    # What a call raises when members does not answer: a service names its own port's exception.
    unavailable: type[Exception] = MembersUnavailable

    def __init__(self, target: str, token: Callable[[], str], timeout: float):
        self.channel = grpc_client.channel(target)
        self.members = pb_grpc.MembersServiceStub(self.channel)
        self.directory = pb_grpc.DirectoryServiceStub(self.channel)
        self.token = token
        self.timeout = timeout

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        # Asked on every call: the service token rotates.
        return (("authorization", f"Bearer {self.token()}"),)

    def community(self, community_id: str) -> CommunityCopy | None:
        try:
            found = self._call(self.directory.GetCommunity, pb.GetCommunityRequest(community_id=community_id))
        except grpc.RpcError as exc:
            if exc.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
                return None
            raise self._unavailable(exc) from None
        return _copy(found.community)

    def communities_of_street(self, street_id: str) -> list[CommunityCopy]:
        return [
            _copy(c)
            for page in self._pages(
                self.directory.ListCommunities,
                lambda token: pb.ListCommunitiesRequest(
                    street_id=street_id, page_size=PAGE, page_token=token
                ),
            )
            for c in page.communities
        ]

    def member_ids(self, registered_before: datetime) -> list[str]:
        return [
            m.member_id
            for page in self._pages(
                self.members.ListMembers,
                lambda token: pb.ListMembersRequest(page_size=PAGE, page_token=token),
            )
            for m in page.members
            if from_timestamp(m.created_at) < registered_before
        ]

    def close(self) -> None:
        self.channel.close()

    def _pages(self, method, request_for):
        try:
            yield from grpc_client.pages(lambda request: self._call(method, request), request_for)
        except grpc.RpcError as exc:
            raise self._unavailable(exc) from None

    def _call(self, method, request):
        return grpc_client.blocking(lambda: method(request, timeout=self.timeout, metadata=self.metadata))

    def _unavailable(self, exc: grpc.RpcError) -> Exception:
        return self.unavailable(f"members {exc.code().name}: {exc.details()}")


def _copy(community: pb.Community) -> CommunityCopy:
    return CommunityCopy(community.community_id, community.street_id, community.name)
