"""The financial axis: derived from payment and refund rows, never set by hand.

One fact besides the rows takes part: whether the seller has an open payment request (a
timestamp on the order). With nothing paid yet, an open request reads `awaiting_payment`;
withdrawing it reads `pending` again; any payment reads as the payments say.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum

from orders.errors import InvalidInput, InvalidTransition, RuleViolation

ZERO = Decimal("0.00")


class FinancialStatus(StrEnum):
    PENDING = "pending"                        # nothing paid yet
    AWAITING_PAYMENT = "awaiting_payment"      # nothing paid yet; the seller asked for payment
    PARTIALLY_PAID = "partially_paid"          # some, not all, of the total paid
    PAID = "paid"                              # the total (or more) paid, nothing refunded
    PARTIALLY_REFUNDED = "partially_refunded"  # part of what was paid went back
    REFUNDED = "refunded"                      # everything paid went back (final)


F = FinancialStatus
# Which derived changes are legal; a derivation outside this table is a bug or a bad input.
ALLOWED: dict[FinancialStatus, frozenset[FinancialStatus]] = {
    F.PENDING: frozenset({F.AWAITING_PAYMENT, F.PARTIALLY_PAID, F.PAID}),
    F.AWAITING_PAYMENT: frozenset({F.PENDING, F.PARTIALLY_PAID, F.PAID}),
    F.PARTIALLY_PAID: frozenset({F.PAID, F.PARTIALLY_REFUNDED, F.REFUNDED}),
    # back to partially paid only when an edit raised the total above what was paid
    F.PAID: frozenset({F.PARTIALLY_PAID, F.PARTIALLY_REFUNDED, F.REFUNDED}),
    F.PARTIALLY_REFUNDED: frozenset({F.REFUNDED}),
    F.REFUNDED: frozenset(),
}


def totals(payments: Iterable[tuple[str, Decimal]]) -> tuple[Decimal, Decimal]:
    """(paid, refunded) from (kind, amount) pairs."""
    payments = list(payments)
    paid = sum((a for k, a in payments if k == "payment"), ZERO)
    refunded = sum((a for k, a in payments if k == "refund"), ZERO)
    return paid, refunded


def derive(total: Decimal, paid: Decimal, refunded: Decimal, *,
           payment_requested: bool = False) -> FinancialStatus:
    if refunded > ZERO:
        return F.REFUNDED if refunded >= paid else F.PARTIALLY_REFUNDED
    if paid <= ZERO:
        return F.AWAITING_PAYMENT if payment_requested else F.PENDING
    return F.PAID if paid >= total else F.PARTIALLY_PAID


def can_transition(current: str, target: str) -> bool:
    return current == target or F(target) in ALLOWED[F(current)]


def check(current: str, target: str) -> FinancialStatus:
    """The derived status may stay or move along the table; anything else is refused."""
    if not can_transition(current, target):
        rule = (f"a {current} order takes no more payments" if F(current) is F.REFUNDED
                else f"payments cannot take an order from {current} back to {target}")
        raise InvalidTransition("financial status", current, target, rule)
    return F(target)


def ensure_payment_allowed(amount: Decimal, refunded: Decimal) -> None:
    if amount <= ZERO:
        raise InvalidInput("A payment must be more than zero.")
    if refunded > ZERO:
        raise InvalidInput("This order has refunds already; it takes no new payments.")


def ensure_refund_allowed(amount: Decimal, paid: Decimal, refunded: Decimal, currency: str) -> None:
    if amount <= ZERO:
        raise InvalidInput("A refund must be more than zero.")
    refundable = paid - refunded
    if amount > refundable:
        raise InvalidInput(f"Only {refundable} {currency} can be refunded ({amount} asked).")


# A payment may be asked for while something is still due and nothing went back.
REQUESTABLE: frozenset[FinancialStatus] = frozenset({F.PENDING, F.AWAITING_PAYMENT, F.PARTIALLY_PAID})


def amount_due(total: Decimal, paid: Decimal) -> Decimal:
    return max(total - paid, ZERO)


def ensure_payment_requestable(current: str, number: str) -> None:
    if F(current) not in REQUESTABLE:
        raise RuleViolation("payment_request", f"Order {number} is {current}; there is nothing "
                                               "to ask the customer to pay.")
