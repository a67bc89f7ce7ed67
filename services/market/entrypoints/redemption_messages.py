"""Redemptions between the domain and jifen.market.v1 messages."""

from __future__ import annotations

from jifen.errors import InvalidArgument
from jifen.market.v1 import market_pb2 as pb
from jifen.proto_enums import enum_names
from jifen.timestamps import to_timestamp

from ..domain.redemption import Redemption

STATUS_NUMBER, STATUS_NAME = enum_names(pb.RedemptionStatus, "REDEMPTION_STATUS_")


def redemption(
    r: Redemption, pickup_code: str = "", locale: str = "zh", names: dict[str, str] | None = None
) -> pb.Redemption:
    names = names or {}
    return pb.Redemption(
        redemption_id=r.id,
        member_id=r.member_id,
        placed_by=r.placed_by,
        item_id=r.item_id,
        item_name=r.item_name,
        shop_id=r.shop_id,
        community_id=r.community_id,
        quantity=r.quantity,
        unit_points=r.unit_points,
        points_total=r.points_total,
        status=STATUS_NUMBER[r.status],
        failure_reason=r.failure_reason_en if locale == "en" and r.failure_reason_en else r.failure_reason,
        pickup_code=pickup_code,
        expires_at=to_timestamp(r.expires_at),
        created_at=to_timestamp(r.created_at),
        updated_at=to_timestamp(r.updated_at),
        confirmed_by=r.confirmed_by,
        collected_at=to_timestamp(r.collected_at),
        cancelled_by=r.cancelled_by,
        cancel_reason=r.cancel_reason,
        closed_at=to_timestamp(r.closed_at),
        member_name=names.get(r.member_id, ""),
        placed_by_name=names.get(r.placed_by, "") if r.placed_by else "",
        slot_id=r.slot_id,
        slot_starts_at=to_timestamp(r.slot_starts_at),
        slot_ends_at=to_timestamp(r.slot_ends_at),
        slot_place=r.slot_place,
        provider_name=r.provider_name,
    )


def statuses(numbers) -> tuple[str, ...]:
    names = []
    for number in numbers:
        if number not in STATUS_NAME:
            raise InvalidArgument("statuses", "兑换单状态无效", "holds an unknown redemption status")
        names.append(STATUS_NAME[number])
    return tuple(dict.fromkeys(names))
