"""The market's invariants (DESIGN §7), as sentences about what is wrong.

Stock never goes below zero; reserved equals the quantity of open redemptions; every unit is
accounted for by the stock changes; and every redemption's hold in points is in the state its
own status implies.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.redemption import AWAITING_PICKUP, CANCELLED, COLLECTED, EXPIRED, FAILED

# The hold states (points' names) each settled status allows; None: points never saw a hold.
HOLD_STATES = {
    AWAITING_PICKUP: {"held"},
    COLLECTED: {"captured"},
    CANCELLED: {"released", "expired"},
    EXPIRED: {"released", "expired"},
    FAILED: {None, "released", "expired"},
}


@dataclass(frozen=True)
class ItemTally:
    item_id: str
    name: str
    stock: int
    reserved: int
    # Σ quantity of the item's reserving and awaiting-pickup redemptions.
    open_quantity: int
    # Σ delta of its stock changes.
    changes_total: int
    # Σ units given out by reservations, and Σ units their failure, cancellation or expiry returned.
    reserved_out: int
    returned_in: int
    # Σ quantity of all its redemptions, and of those closed without collection.
    ordered: int
    given_back: int


def item_problems(t: ItemTally) -> list[str]:
    found = []
    if t.stock < 0 or t.reserved < 0:
        found.append(f"item {t.item_id} ({t.name}): stock {t.stock}, reserved {t.reserved} below zero")
    if t.reserved != t.open_quantity:
        found.append(
            f"item {t.item_id} ({t.name}): reserved {t.reserved} but open redemptions hold {t.open_quantity}"
        )
    if t.stock != t.changes_total:
        found.append(
            f"item {t.item_id} ({t.name}): stock {t.stock} but its changes add up to {t.changes_total}"
        )
    if t.reserved_out != t.ordered:
        found.append(f"item {t.item_id} ({t.name}): {t.ordered} units ordered but {t.reserved_out} reserved")
    if t.returned_in != t.given_back:
        found.append(
            f"item {t.item_id} ({t.name}): {t.given_back} units of closed orders but {t.returned_in} returned"
        )
    return found


def slot_problem(slot_id: str, capacity: int, booked: int, holding: int) -> str:
    """A service's slot: its booked places are exactly its bookings not given back (open or
    delivered), and never more than its capacity."""
    if booked == holding and 0 <= booked <= capacity:
        return ""
    return f"slot {slot_id}: {booked} of {capacity} places booked but {holding} bookings hold one"


def hold_problem(redemption_id: str, status: str, points_total: int, hold_state: str | None) -> str:
    allowed = HOLD_STATES.get(status)
    if allowed is None or hold_state in allowed:
        return ""
    return (
        f"redemption {redemption_id} is {status} ({points_total} points) "
        f"but its hold in points is {hold_state or 'missing'}"
    )


def members_without_copy(member_ids: list[str], copy_ids: set[str]) -> list[str]:
    """Members the members service has and the market never heard of (a lost member.registered)."""
    missing = sorted(set(member_ids) - copy_ids)
    return [f"{who}: a member of the members service without a copy in the market" for who in missing]
