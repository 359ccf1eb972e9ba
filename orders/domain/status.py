"""The order status axis as data: what may follow what, and why not."""
from __future__ import annotations

from enum import StrEnum

from orders.errors import InvalidTransition, RuleViolation


class OrderStatus(StrEnum):
    NEW = "new"                # made from an approved draft
    PENDING = "pending"        # made directly by a seller
    CONFIRMED = "confirmed"    # the shop accepted it; stock is reserved
    PACKED = "packed"          # invoice and shipping label exist; lines are frozen
    SHIPPED = "shipped"        # left the shop; too late to cancel
    DELIVERED = "delivered"    # the customer has it; only a refund may follow
    CANCELLED = "cancelled"    # stopped before shipping; stock went back (final)
    REFUNDED = "refunded"      # delivered, then refunded (final)


S = OrderStatus
ALLOWED: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.NEW: frozenset({S.CONFIRMED, S.CANCELLED}),
    S.PENDING: frozenset({S.CONFIRMED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.PACKED, S.CANCELLED}),
    S.PACKED: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.REFUNDED}),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}

# No ordinary move leaves these (delivered still allows the refund).
TERMINAL: frozenset[OrderStatus] = frozenset({S.DELIVERED, S.CANCELLED, S.REFUNDED})
# Lines, contact and address may change only here.
EDITABLE: frozenset[OrderStatus] = frozenset({S.NEW, S.PENDING, S.CONFIRMED})
# Statuses in which the order still holds reserved stock that a cancel gives back.
ACTIVE: frozenset[OrderStatus] = frozenset({S.NEW, S.PENDING, S.CONFIRMED, S.PACKED, S.SHIPPED})


def can_transition(current: str, target: str) -> bool:
    return S(target) in ALLOWED[S(current)]


def can_cancel(current: str) -> bool:
    return can_transition(current, S.CANCELLED)


def can_edit(current: str) -> bool:
    return S(current) in EDITABLE


def why_not(current: str, target: str) -> str:
    """The rule a forbidden move breaks, in the seller's words."""
    current, target = S(current), S(target)
    if current == target:
        return f"the order is already {current}"
    if current in (S.CANCELLED, S.REFUNDED):
        return f"a {current} order is final"
    if current is S.DELIVERED:
        return "a delivered order can only be refunded"
    if target is S.CANCELLED:
        return "an order can only be cancelled before it ships"
    sources = sorted(s for s, targets in ALLOWED.items() if target in targets)
    if not sources:
        return f"no order can move back to {target}"
    return f"only a {' or '.join(sources)} order can become {target}"


def transition(current: str, target: str) -> OrderStatus:
    """The new status, or InvalidTransition naming the broken rule."""
    try:
        target_status = S(target)
    except ValueError:
        raise InvalidTransition("status", str(current), str(target),
                                f"{target!r} is not a status ({', '.join(S)})") from None
    if not can_transition(current, target_status):
        raise InvalidTransition("status", str(current), str(target), why_not(current, target_status))
    return target_status


def ensure_editable(current: str, number: str) -> None:
    if not can_edit(current):
        rule = ("edits are allowed only before packing" if S(current) not in TERMINAL
                else f"a {current} order can no longer be edited")
        raise RuleViolation("editable", f"Order {number} cannot be edited: {rule}.")
