"""The members service as the market asks it directly (with the market's service token): a community
its events have not brought yet, and every member for the audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import grpc

from jifen import grpc_client
from jifen.members.v1 import members_pb2 as pb
from jifen.members.v1 import members_pb2_grpc as pb_grpc
from jifen.timestamps import from_timestamp

from ..domain.people import CommunityCopy
from ..service.ports import MembersUnavailable

PAGE = 200


class GrpcMembers:
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
            raise MembersUnavailable(f"members {exc.code().name}: {exc.details()}") from None
        place = found.community
        return CommunityCopy(place.community_id, place.street_id, place.name)

    def member_ids(self, registered_before: datetime) -> list[str]:
        try:
            return [
                m.member_id
                for page in grpc_client.pages(
                    lambda request: self._call(self.members.ListMembers, request),
                    lambda token: pb.ListMembersRequest(page_size=PAGE, page_token=token),
                )
                for m in page.members
                if from_timestamp(m.created_at) < registered_before
            ]
        except grpc.RpcError as exc:
            raise MembersUnavailable(f"members {exc.code().name}: {exc.details()}") from None

    def close(self) -> None:
        self.channel.close()

    def _call(self, method, request):
        return grpc_client.blocking(lambda: method(request, timeout=self.timeout, metadata=self.metadata))
