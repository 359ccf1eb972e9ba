"""The order status axis as data: what may follow what, and why not."""
from __future__ import annotations

from enum import StrEnum

from orders.errors import InvalidTransition, RuleViolation


class OrderStatus(StrEnum):
    QUOTE = "quote"            # composed by a seller for a customer; no stock held yet
    CLAIMED = "claimed"        # a quote the customer linked to themselves with its claim code
    NEW = "new"                # made from an approved draft
    PENDING = "pending"        # made directly by a seller
    CONFIRMED = "confirmed"    # the shop accepted it; stock is reserved
    PACKED = "packed"          # invoice and shipping label exist; lines are frozen
    SHIPPED = "shipped"        # left the shop; too late to cancel
    DELIVERED = "delivered"    # the customer has it; only completion or a refund may follow
    COMPLETED = "completed"    # the customer confirmed receipt (or the shop's days passed)
    CANCELLED = "cancelled"    # stopped before shipping; stock went back (final)
    REFUNDED = "refunded"      # delivered or completed, then refunded in full (final)


S = OrderStatus
ALLOWED: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.QUOTE: frozenset({S.CLAIMED, S.CONFIRMED, S.CANCELLED}),
    S.CLAIMED: frozenset({S.CONFIRMED, S.CANCELLED}),
    S.NEW: frozenset({S.CONFIRMED, S.CANCELLED}),
    S.PENDING: frozenset({S.CONFIRMED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.PACKED, S.CANCELLED}),
    S.PACKED: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.COMPLETED, S.REFUNDED}),
    S.COMPLETED: frozenset({S.REFUNDED}),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}

# Moves only the customer (or the system on their behalf) makes; a seller's request is refused
# with the reason, so the transitions endpoint cannot fake a claim or a confirmation of receipt.
NOT_BY_SELLER: dict[OrderStatus, str] = {
    S.CLAIMED: "only the customer's claim code makes a quote claimed",
    S.COMPLETED: "the customer confirms receipt, or the shop's auto_complete_days pass",
}

# No ordinary move leaves these (delivered and completed still allow a refund).
TERMINAL: frozenset[OrderStatus] = frozenset({S.DELIVERED, S.COMPLETED, S.CANCELLED, S.REFUNDED})
# Lines, contact and address may change only here.
EDITABLE: frozenset[OrderStatus] = frozenset({S.QUOTE, S.CLAIMED, S.NEW, S.PENDING, S.CONFIRMED})
# Quotes hold no stock: a quote may never be accepted, and an unclaimed code must not keep
# goods off the shelf. Stock is reserved when a seller converts the quote to confirmed.
QUOTES: frozenset[OrderStatus] = frozenset({S.QUOTE, S.CLAIMED})
# Statuses in which the order still holds reserved stock that a cancel gives back.
ACTIVE: frozenset[OrderStatus] = frozenset({S.NEW, S.PENDING, S.CONFIRMED, S.PACKED, S.SHIPPED})
# Money goes back only once the goods are with the customer, or the order was cancelled first.
REFUNDABLE: frozenset[OrderStatus] = frozenset({S.DELIVERED, S.COMPLETED, S.CANCELLED})


def can_transition(current: str, target: str) -> bool:
    return S(target) in ALLOWED[S(current)]


def can_cancel(current: str) -> bool:
    return can_transition(current, S.CANCELLED)


def can_edit(current: str) -> bool:
    return S(current) in EDITABLE


def reserves_stock(current: str, target: str) -> bool:
    """A quote becoming an order takes its stock now."""
    return S(current) in QUOTES and S(target) in ACTIVE


def why_not(current: str, target: str) -> str:
    """The rule a forbidden move breaks, in the seller's words."""
    current, target = S(current), S(target)
    if current == target:
        return f"the order is already {current}"
    if current in (S.CANCELLED, S.REFUNDED):
        return f"a {current} order is final"
    if current is S.DELIVERED:
        return "a delivered order can only be completed or refunded"
    if current is S.COMPLETED:
        return "a completed order can only be refunded"
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


def seller_transition(current: str, target: str) -> OrderStatus:
    """A move a seller asked for: the table's rule, and not one of the customer's own moves."""
    target_status = transition(current, target)
    if target_status in NOT_BY_SELLER:
        raise InvalidTransition("status", str(current), str(target), NOT_BY_SELLER[target_status])
    return target_status


def ensure_editable(current: str, number: str) -> None:
    if not can_edit(current):
        rule = ("edits are allowed only before packing" if S(current) not in TERMINAL
                else f"a {current} order can no longer be edited")
        raise RuleViolation("editable", f"Order {number} cannot be edited: {rule}.")


def ensure_refundable(current: str, number: str) -> None:
    """Seed 000: a cancellation is required before any refund of an order not yet delivered."""
    status = S(current)
    if status in REFUNDABLE:
        return
    if status is S.REFUNDED:
        rule = "it is refunded already"
    elif status is S.SHIPPED:
        rule = "it is on its way; refund it once it is delivered"
    else:
        rule = f"it is {status}; cancel it first (refunds are for delivered, completed or " \
               "cancelled orders)"
    raise RuleViolation("refund_needs_cancel", f"Order {number} cannot be refunded: {rule}.")
