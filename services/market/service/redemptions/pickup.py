"""At the counter: staff confirm (核销) with the code or the QR; the member can get a new code or the QR."""

from __future__ import annotations

from datetime import datetime

from jifen import idempotency
from jifen.caller import Caller
from jifen.clock import Clock, utcnow
from jifen.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    Unavailable,
    denied,
)
from jifen.idempotency import idempotent

from ...domain.pickup import normalised_code
from ...domain.redemption import AWAITING_PICKUP, Redemption, wrong_status
from ..lookups import known_redemption
from ..ports import Points, PointsRefused, PointsUnavailable, UnitOfWork
from ..scope import staff_shop_id, works_at
from .commands import ConfirmRedemption, FindPickup, ReissuePickupCode
from .placing import Issued, fresh_code
from .ports import PickupLimits

WRONG_CODE = ("核销码不正确，请核对后重新输入", "no order awaiting pickup at this shop has that code")


def find(cmd: FindPickup, uow: UnitOfWork, limits: PickupLimits) -> Redemption:
    """The order behind a code or QR, so staff see who and what before handing it over. A look-up
    counts against the same limits as a confirmation; only a confirmation clears them."""
    code, scanned, shop_id = _presentation(cmd)
    _count_attempt(limits, shop_id, cmd.actor)
    return _presented(uow, cmd.actor, shop_id, code, scanned)


def confirm(
    cmd: ConfirmRedemption, uow: UnitOfWork, points: Points, limits: PickupLimits, clock: Clock = utcnow
) -> Redemption:
    code, scanned, shop_id = _presentation(cmd)
    replay = idempotency.replayed(uow, "market.ConfirmRedemption", cmd, lambda ref: _redemption(uow, ref))
    if replay is not None:
        return replay
    _count_attempt(limits, shop_id, cmd.actor)
    found = _presented(uow, cmd.actor, shop_id, code, scanned)
    found.require(AWAITING_PICKUP)
    try:
        points.capture(found.id)
    except PointsRefused:
        with uow:
            now_status = known_redemption(uow, found.id).status
        if now_status != AWAITING_PICKUP:
            raise wrong_status(now_status) from None
        raise FailedPrecondition(
            "该兑换单的积分已退回，不能核销",
            "the order's points were already released; it cannot be collected",
        ) from None
    except PointsUnavailable:
        raise Unavailable(
            "积分服务暂时不可用，请稍后再核销", "the points service did not answer; confirm again shortly"
        ) from None

    collected = _hand_over(cmd, uow, found.id, clock)
    # Only an order handed over clears the counts: the code of an order already collected or
    # cancelled, or a QR that is merely genuine, must not, or guesses could be mixed with it forever.
    limits.staff.reset(_staff_subject(shop_id, cmd.actor))
    limits.shop.reset(shop_id)
    return collected


def _redemption(uow: UnitOfWork, ref: dict) -> Redemption:
    """The order a result names, in the use case's own transaction."""
    return known_redemption(uow, ref["redemption_id"])


@idempotent("market.ConfirmRedemption", view=_redemption)
def _hand_over(cmd: ConfirmRedemption, uow: UnitOfWork, redemption_id: str, clock: Clock) -> dict:
    redemption = known_redemption(uow, redemption_id, lock=True)
    collect(uow, redemption, cmd.actor.member_id, clock())
    return {"redemption_id": redemption.id}


def collect(uow: UnitOfWork, redemption: Redemption, staff_id: str, now: datetime) -> Redemption:
    """Points were captured: the goods are handed over. Runs inside the caller's transaction."""
    done = redemption.collected(staff_id, now)
    uow.redemptions.save(done)
    uow.items.hand_over(done.item_id, done.quantity, now)
    return done


def _presentation(cmd: ConfirmRedemption | FindPickup) -> tuple[str, str, str]:
    """(typed code, scanned QR, the staff member's shop): exactly one of code and QR."""
    typed, scanned = (cmd.pickup_code or "").strip(), (cmd.qr_payload or "").strip()
    if bool(typed) == bool(scanned):
        raise InvalidArgument(
            "pickup_code",
            "请输入核销码或扫描二维码（二选一）",
            "give exactly one of pickup_code and qr_payload",
        )
    shop_id = staff_shop_id(cmd.actor)
    if not shop_id:
        raise denied()
    return (normalised_code(typed) if typed else ""), scanned, shop_id


def _staff_subject(shop_id: str, actor: Caller) -> str:
    return f"{shop_id}:{actor.member_id}"


def _count_attempt(limits: PickupLimits, shop_id: str, actor: Caller) -> None:
    # Counted before the look-up, so parallel guesses cannot slip past the limit; both counts move
    # on every attempt, so staff taking turns at one shop meet the shop's limit.
    staff_ok = limits.staff.attempt(_staff_subject(shop_id, actor))
    shop_ok = limits.shop.attempt(shop_id)
    if not (staff_ok and shop_ok):
        raise ResourceExhausted(
            "核销码错误次数过多，请稍后再试", "too many wrong pickup codes; wait a while and try again"
        )


def _presented(uow: UnitOfWork, actor: Caller, shop_id: str, code: str, scanned: str) -> Redemption:
    """The order the staff member has in front of them, at their own shop."""
    with uow:
        shop = uow.shops.get(shop_id)
        if shop is None or not works_at(actor, shop):
            raise denied()
        ring = uow.secrets.ring()
        if scanned:
            redemption_id = ring.qr_redemption_id(scanned)
            found = uow.redemptions.get(redemption_id) if redemption_id else None
            # Signed over the order's current code hash: the QR of a code since reissued is worthless.
            if found is None or not ring.qr_matches(scanned, found.id, found.code_hash):
                raise NotFound("二维码无效，请让兑换人重新出示", "the QR is not a pickup code", "qr_payload")
            if found.shop_id != shop_id:
                raise PermissionDenied(
                    "该兑换单不在本店领取，请到兑换时选择的门店领取",
                    "this order is collected at another shop",
                )
            return found
        matches = [r for digest in ring.code_hashes(code) for r in uow.redemptions.with_code(shop_id, digest)]
        if not matches:
            raise NotFound(*WRONG_CODE, "pickup_code")
        # The live order first, as each look-up orders them.
        return min(matches, key=lambda r: r.status != AWAITING_PICKUP)


def reissue_code(cmd: ReissuePickupCode, uow: UnitOfWork, clock: Clock = utcnow) -> Issued:
    """A new code for a lost one; the old code stops working. A replay returns the order without a code."""
    issued: list[str] = []
    ref = _new_code(cmd, uow, issued, clock)
    return Issued(ref, issued[-1] if issued else "")


@idempotent("market.ReissuePickupCode", view=_redemption)
def _new_code(cmd: ReissuePickupCode, uow: UnitOfWork, issued: list[str], clock: Clock) -> dict:
    # The code leaves through `issued`: only its hash is kept, so a replay answers without one.
    redemption = _own(uow, cmd.actor, cmd.redemption_id, lock=True)
    code, digest = fresh_code(uow, redemption.shop_id)
    uow.redemptions.save(redemption.with_new_code(digest, clock()))
    issued.append(code)
    return {"redemption_id": redemption.id}


def pickup_qr(redemption_id: str, actor: Caller, uow: UnitOfWork) -> str:
    """The signed text the QR carries, for an order awaiting pickup."""
    with uow:
        redemption = _own(uow, actor, redemption_id)
        redemption.require(AWAITING_PICKUP)
        return uow.secrets.ring().qr_payload(redemption.id, redemption.code_hash)


def _own(uow: UnitOfWork, actor: Caller, redemption_id: str, lock: bool = False) -> Redemption:
    """The member's own order, or one the grid worker placed for them."""
    redemption = known_redemption(uow, redemption_id, lock=lock)
    if actor.member_id not in (redemption.member_id, redemption.placed_by):
        raise PermissionDenied(
            "只有兑换人本人或代兑换的网格员可以查看核销码",
            "only the member or who placed it may see its code",
        )
    return redemption
