"""PlaceRedemption: reserve the stock, hold the points, issue the pickup code (DESIGN §7).

1. One market transaction: the member's row is locked (so two orders cannot both pass a
   per-member limit), the checks a volunteer understands run, stock moves to reserved by a
   conditional UPDATE, and the redemption is written "reserving".
2. points.Hold with the redemption id as the hold id.
3. One market transaction: "awaiting_pickup" with the hashed code, and redemption.placed.
A refusal by points fails the order and gives its units back; no answer from points releases
(or tombstones) the hold and fails the order, or leaves it to the sweeper when points stays silent.
"""

from __future__ import annotations

from jifen import idempotency
from jifen.caller import Caller
from jifen.clock import Clock, utcnow
from jifen.errors import FailedPrecondition, InvalidArgument, PermissionDenied, Unavailable, required
from jifen.ids import new_id

from ..domain.limits import WEEK, period_start
from ..domain.people import MemberCopy
from ..domain.redemption import FAILED, RESERVING, Redemption
from . import saga as steps
from . import stock_moves
from .access import known_item, known_member, known_redemption, known_shop
from .commands import PlaceRedemption
from .ports import Points, PointsRefused, PointsUnavailable, UnitOfWork

MAX_QUANTITY = 99
UNREACHABLE = (
    "积分服务暂时不可用，本次兑换未成功，请稍后再试",
    "the points service did not answer; nothing was redeemed, try again later",
)


def place_redemption(
    cmd: PlaceRedemption,
    uow: UnitOfWork,
    points: Points,
    saga: steps.SagaSettings,
    clock: Clock = utcnow,
) -> steps.Issued:
    required("item_id", cmd.item_id, "商品")
    if not 1 <= cmd.quantity <= MAX_QUANTITY:
        raise InvalidArgument(
            "quantity", f"兑换数量须在 1 到 {MAX_QUANTITY} 之间", f"must be between 1 and {MAX_QUANTITY}"
        )
    on_behalf = (cmd.on_behalf_of_member_id or "").strip()
    member_id = on_behalf or cmd.actor.member_id

    def reserve() -> dict:
        now = clock()
        member = known_member(uow, member_id, lock=True)
        _may_redeem_for(cmd.actor, member, bool(on_behalf))
        if member.id != cmd.actor.member_id:
            _check_proxy(uow, member, saga, now)
        if not member.active:
            raise FailedPrecondition(
                "该账号已停用，不能兑换", "this account is deactivated; it cannot redeem"
            )
        item = known_item(uow, cmd.item_id)
        shop = known_shop(uow, item.shop_id)
        if member.community_id != item.community_id:
            raise FailedPrecondition(
                f"{shop.name}只为本社区居民兑换", f"{shop.name} serves residents of its own community only"
            )
        shop.check_open()
        item.check_redeemable(now)
        if item.limited:
            used = uow.redemptions.units_since(member.id, item.id, item.limit_since(now))
            item.check_limit(used, cmd.quantity)
        item.check_stock(cmd.quantity)
        redemption = Redemption(
            id=new_id(),
            member_id=member.id,
            placed_by=cmd.actor.member_id,
            item_id=item.id,
            item_name=item.name,
            shop_id=item.shop_id,
            community_id=item.community_id,
            grid_id=member.grid_id,
            quantity=cmd.quantity,
            unit_points=item.details.points_price,
            status=RESERVING,
            expires_at=now + saga.pickup_window,
            created_at=now,
            updated_at=now,
        )
        if not stock_moves.reserve(uow, item, redemption, now):
            # Someone took the last units since we looked: the conditional UPDATE decided.
            known_item(uow, item.id).check_stock(cmd.quantity)
            raise FailedPrecondition("库存刚刚有变动，请重试", "the stock just changed; try again")
        uow.redemptions.add(redemption)
        return {"redemption_id": redemption.id}

    reserved = idempotency.run(
        uow, "market.PlaceRedemption", cmd, reserve, lambda ref: known_redemption(uow, ref["redemption_id"])
    )
    return resume(reserved, uow, points, saga, clock)


def resume(
    redemption: Redemption, uow: UnitOfWork, points: Points, saga: steps.SagaSettings, clock: Clock = utcnow
) -> steps.Issued:
    """Steps 2 and 3 for a reserved order; a replayed request lands here too and answers as the first did."""
    if redemption.status == FAILED:
        raise FailedPrecondition(redemption.failure_reason, redemption.failure_reason_en)
    if redemption.status != RESERVING:
        return steps.Issued(redemption)
    try:
        points.hold(
            redemption.id,
            redemption.member_id,
            redemption.points_total,
            steps.hold_deadline(redemption, saga),
            redemption.hold_reason,
        )
    except PointsRefused as refusal:
        zh, en = _why_refused(points, redemption, refusal)
        steps.fail(uow, redemption.id, zh, en, clock)
        raise FailedPrecondition(zh, en) from None
    except PointsUnavailable:
        _compensate(uow, points, redemption, clock)
    return steps.finish(uow, redemption.id, clock)


def _compensate(uow: UnitOfWork, points: Points, redemption: Redemption, clock: Clock) -> None:
    """The hold is in doubt: undo it now if points answers, else leave the order to the sweeper."""
    try:
        undone = steps.compensate(uow, points, redemption.id, *UNREACHABLE, clock)
    except PointsUnavailable:
        undone = False
    if undone:
        raise Unavailable(*UNREACHABLE) from None
    raise Unavailable(
        "积分服务暂时不可用，兑换单将自动处理（库存和积分都会退回），请稍后在“我的兑换”查看",
        "the points service did not answer; the order will be settled automatically, check it later",
    ) from None


def _may_redeem_for(actor: Caller, member: MemberCopy, on_behalf: bool) -> None:
    if not on_behalf or member.id == actor.member_id:
        return
    # 代兑换: only the grid worker of the volunteer's own grid.
    if not actor.serves_grid(member.grid_id):
        raise PermissionDenied(
            "只能为本网格的志愿者代兑换", "a grid worker may redeem only for volunteers of their grid"
        )


def _check_proxy(uow: UnitOfWork, member: MemberCopy, saga: steps.SagaSettings, now) -> None:
    """The volunteer's consent to 代兑换, and a weekly cap: the code goes to the grid worker, so an
    order placed for someone is one they did not place themselves."""
    if member.proxy_redemption_refused:
        raise FailedPrecondition(
            "该志愿者已关闭代兑换，请由本人兑换", "this volunteer has switched proxy redemption off"
        )
    placed = uow.redemptions.proxy_orders_since(member.id, period_start(WEEK, now))
    if placed >= saga.proxy_orders_per_week:
        cap = saga.proxy_orders_per_week
        raise FailedPrecondition(
            f"每位志愿者每周最多代兑换 {cap} 次，本周已满，请下周再试或由本人兑换",
            f"at most {cap} proxy orders per volunteer a week; this week's are used",
        )


def _why_refused(points: Points, redemption: Redemption, refusal: PointsRefused) -> tuple[str, str]:
    """Points said no; tell the volunteer why in their terms."""
    if refusal.status == "not_found":
        return "积分账户尚未开通，请稍后再试", "the points account is not open yet; try again later"
    try:
        balance = points.balance(redemption.member_id)
    except PointsUnavailable:
        return "积分不足或积分账户不可用", "not enough points, or the points account cannot be used"
    if balance.frozen:
        return "积分账户已冻结，暂不能兑换", "the points account is frozen; it cannot redeem"
    need = redemption.points_total
    if balance.available < need:
        return (
            f"积分不足：需要 {need} 分，可用 {balance.available} 分",
            f"not enough points: {need} needed, {balance.available} available",
        )
    return "兑换未成功，请重新下单", "the redemption did not go through; place it again"
