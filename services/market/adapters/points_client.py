"""The points LedgerService, as the market's saga calls it: with the market's service token.

Every call has a deadline. A definite "no" (FAILED_PRECONDITION, NOT_FOUND, ...) is PointsRefused;
no answer at all is PointsUnavailable, because then the step may or may not have happened and
the saga must find out (GetHold) or compensate (Release) rather than guess.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

import grpc

from jifen import grpc_client
from jifen.points.v1 import ledger_pb2 as pb
from jifen.points.v1 import ledger_pb2_grpc as pb_grpc
from jifen.timestamps import to_timestamp

from ..service.ports import PointsBalance, PointsRefused, PointsUnavailable

# Definite answers: repeating the call cannot change them (INVALID_ARGUMENT and ALREADY_EXISTS mean the
# market asked for something points will never do, e.g. a hold beyond points' longest deadline).
REFUSALS = (
    grpc.StatusCode.FAILED_PRECONDITION,
    grpc.StatusCode.NOT_FOUND,
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.ALREADY_EXISTS,
)
HOLD_STATE = {
    pb.HOLD_STATE_HELD: "held",
    pb.HOLD_STATE_CAPTURED: "captured",
    pb.HOLD_STATE_RELEASED: "released",
    pb.HOLD_STATE_EXPIRED: "expired",
}


class GrpcPoints:
    def __init__(self, target: str, token: Callable[[], str], timeout: float):
        self.channel = grpc_client.channel(target)
        self.stub = pb_grpc.LedgerServiceStub(self.channel)
        self.token = token
        self.timeout = timeout

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        # Asked on every call: the service token rotates.
        return (("authorization", f"Bearer {self.token()}"),)

    def hold(self, hold_id: str, member_id: str, amount: int, deadline: datetime, reason: str) -> None:
        self._call(
            self.stub.Hold,
            pb.HoldRequest(
                request_id=f"hold:{hold_id}",
                hold_id=hold_id,
                member_id=member_id,
                amount=amount,
                deadline=to_timestamp(deadline),
                reason=reason,
            ),
        )

    def capture(self, hold_id: str) -> None:
        self._call(self.stub.Capture, pb.CaptureRequest(request_id=f"capture:{hold_id}", hold_id=hold_id))

    def release(self, hold_id: str, reason: str) -> None:
        # One request id per reason: a cancel and a later expiry of the same order are different
        # requests to points (the second finds the hold released and changes nothing).
        digest = hashlib.sha256(reason.encode()).hexdigest()[:12]
        self._call(
            self.stub.Release,
            pb.ReleaseRequest(request_id=f"release:{hold_id}:{digest}", hold_id=hold_id, reason=reason),
        )

    def hold_state(self, hold_id: str) -> str | None:
        try:
            response = self._call(self.stub.GetHold, pb.GetHoldRequest(hold_id=hold_id))
        except PointsRefused:
            return None
        return HOLD_STATE.get(response.hold.state)

    def balance(self, member_id: str) -> PointsBalance:
        try:
            response = self._call(self.stub.GetBalance, pb.GetBalanceRequest(member_id=member_id))
        except PointsRefused:
            # No account yet: nothing to spend.
            return PointsBalance(available=0, frozen=False)
        return PointsBalance(
            available=response.balance.available,
            frozen=response.balance.status == pb.ACCOUNT_STATUS_FROZEN,
        )

    def close(self) -> None:
        self.channel.close()

    def _call(self, method, request):
        try:
            return grpc_client.blocking(lambda: method(request, timeout=self.timeout, metadata=self.metadata))
        except grpc.RpcError as exc:
            if exc.code() in REFUSALS:
                raise PointsRefused(exc.code().name.lower(), exc.details() or "") from None
            raise PointsUnavailable(f"points {exc.code().name}: {exc.details()}") from None
