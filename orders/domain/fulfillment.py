"""The fulfillment axis: derived from fulfillment rows (which lines, how many)."""
from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Hashable

from orders.errors import InvalidInput, InvalidTransition, RuleViolation

from orders.domain.status import OrderStatus


class FulfillmentStatus(StrEnum):
    UNFULFILLED = "unfulfilled"  # nothing has left the shop
    PARTIAL = "partial"          # some units of some lines left
    FULFILLED = "fulfilled"      # every unit of every line left (final)


U = FulfillmentStatus
ALLOWED: dict[FulfillmentStatus, frozenset[FulfillmentStatus]] = {
    U.UNFULFILLED: frozenset({U.PARTIAL, U.FULFILLED}),
    U.PARTIAL: frozenset({U.FULFILLED}),
    U.FULFILLED: frozenset(),
}

# Fulfillments are recorded once the shop has accepted the order and until it is delivered.
FULFILLABLE: frozenset[OrderStatus] = frozenset(
    {OrderStatus.CONFIRMED, OrderStatus.PACKED, OrderStatus.SHIPPED})


def derive(ordered: Mapping[Hashable, int], fulfilled: Mapping[Hashable, int]) -> FulfillmentStatus:
    done = sum(min(fulfilled.get(line, 0), qty) for line, qty in ordered.items())
    if done == 0:
        return U.UNFULFILLED
    return U.FULFILLED if done >= sum(ordered.values()) else U.PARTIAL


def can_transition(current: str, target: str) -> bool:
    return current == target or U(target) in ALLOWED[U(current)]


def check(current: str, target: str) -> FulfillmentStatus:
    if not can_transition(current, target):
        raise InvalidTransition("fulfillment status", current, target,
                                "fulfilled units never come back")
    return U(target)


def ensure_can_fulfill(status: str, number: str) -> None:
    if OrderStatus(status) not in FULFILLABLE:
        raise RuleViolation("fulfillable", f"Order {number} is {status}; only confirmed, packed "
                                           "or shipped orders can be fulfilled.")


def ensure_quantities(ordered: Mapping[Hashable, int], fulfilled: Mapping[Hashable, int],
                      wanted: Mapping[Hashable, int], names: Mapping[Hashable, str]) -> None:
    if not wanted or any(q <= 0 for q in wanted.values()):
        raise InvalidInput("A fulfillment needs at least one line with a quantity above zero.")
    for line, qty in wanted.items():
        if line not in ordered:
            raise InvalidInput(f"Line {line} is not part of this order.")
        left = ordered[line] - fulfilled.get(line, 0)
        if qty > left:
            raise InvalidInput(f"Only {left} of {names[line]} are left to fulfill ({qty} asked).")
