"""Every allowed and every forbidden move of the three axes, read from the tables themselves."""
from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from orders.domain import financial, fulfillment, guards
from orders.domain import status as st
from orders.domain.financial import FinancialStatus as F
from orders.domain.fulfillment import FulfillmentStatus as U
from orders.domain.status import OrderStatus as S
from orders.errors import InvalidTransition, RuleViolation

STATUS_PAIRS = list(itertools.product(S, S))
EXPECTED_STATUS_MOVES = {
    (S.NEW, S.CONFIRMED), (S.NEW, S.CANCELLED), (S.PENDING, S.CONFIRMED), (S.PENDING, S.CANCELLED),
    (S.CONFIRMED, S.PACKED), (S.CONFIRMED, S.CANCELLED), (S.PACKED, S.SHIPPED),
    (S.PACKED, S.CANCELLED), (S.SHIPPED, S.DELIVERED), (S.DELIVERED, S.REFUNDED),
    # issue 9: quotes, and completion after delivery
    (S.QUOTE, S.CLAIMED), (S.QUOTE, S.CONFIRMED), (S.QUOTE, S.CANCELLED),
    (S.CLAIMED, S.CONFIRMED), (S.CLAIMED, S.CANCELLED),
    (S.DELIVERED, S.COMPLETED), (S.COMPLETED, S.REFUNDED),
}


def test_status_table_is_exactly_the_design():
    assert {(a, b) for a, targets in st.ALLOWED.items() for b in targets} == EXPECTED_STATUS_MOVES


@pytest.mark.parametrize(("current", "target"), [p for p in STATUS_PAIRS if st.can_transition(*p)])
def test_allowed_status_move_returns_the_target(current, target):
    assert st.transition(current, target) is target


@pytest.mark.parametrize(("current", "target"), [p for p in STATUS_PAIRS if not st.can_transition(*p)])
def test_forbidden_status_move_names_the_rule(current, target):
    with pytest.raises(InvalidTransition) as err:
        st.transition(current, target)
    assert err.value.rule == st.why_not(current, target)
    assert f"from {current} to {target}" in str(err.value)


def test_forbidden_moves_explain_themselves_in_shop_words():
    assert st.why_not(S.SHIPPED, S.CANCELLED) == "an order can only be cancelled before it ships"
    assert st.why_not(S.CANCELLED, S.CONFIRMED) == "a cancelled order is final"
    assert st.why_not(S.DELIVERED, S.SHIPPED) == "a delivered order can only be completed or refunded"
    assert st.why_not(S.COMPLETED, S.DELIVERED) == "a completed order can only be refunded"
    assert st.why_not(S.PENDING, S.PACKED) == "only a confirmed order can become packed"
    assert st.why_not(S.CONFIRMED, S.PENDING) == "no order can move back to pending"


def test_unknown_status_is_refused():
    with pytest.raises(InvalidTransition, match="'lost' is not a status"):
        st.transition(S.NEW, "lost")


@pytest.mark.parametrize("current", list(S))
def test_cancel_is_possible_exactly_before_shipping(current):
    assert st.can_cancel(current) == (current in {S.QUOTE, S.CLAIMED, S.NEW, S.PENDING,
                                                  S.CONFIRMED, S.PACKED})


@pytest.mark.parametrize("current", list(S))
def test_edits_only_before_packing_and_never_when_terminal(current):
    editable = current in {S.QUOTE, S.CLAIMED, S.NEW, S.PENDING, S.CONFIRMED}
    assert st.can_edit(current) == editable
    if not editable:
        with pytest.raises(RuleViolation):
            st.ensure_editable(current, "ORD-00001")


def test_packing_needs_invoice_and_label():
    with pytest.raises(RuleViolation, match="without invoice URL and shipping-label URL"):
        guards.ensure_move_allowed("ORD-00001", S.PACKED, None, None)
    with pytest.raises(RuleViolation, match="without shipping-label URL"):
        guards.ensure_move_allowed("ORD-00001", S.PACKED, "https://i", None)
    guards.ensure_move_allowed("ORD-00001", S.PACKED, "https://i", "https://l")


FINANCIAL_PAIRS = list(itertools.product(F, F))


@pytest.mark.parametrize(("current", "target"), FINANCIAL_PAIRS)
def test_financial_moves_follow_the_table(current, target):
    if current == target or target in financial.ALLOWED[current]:
        assert financial.check(current, target) is target
    else:
        with pytest.raises(InvalidTransition, match="financial status"):
            financial.check(current, target)


@pytest.mark.parametrize(("paid", "refunded", "expected"), [
    ("0", "0", F.PENDING), ("4", "0", F.PARTIALLY_PAID), ("10", "0", F.PAID), ("12", "0", F.PAID),
    ("10", "3", F.PARTIALLY_REFUNDED), ("10", "10", F.REFUNDED), ("4", "4", F.REFUNDED),
])
def test_financial_status_is_derived_from_payments(paid, refunded, expected):
    assert financial.derive(Decimal("10.00"), Decimal(paid), Decimal(refunded)) is expected


FULFILLMENT_PAIRS = list(itertools.product(U, U))


@pytest.mark.parametrize(("current", "target"), FULFILLMENT_PAIRS)
def test_fulfillment_moves_follow_the_table(current, target):
    if current == target or target in fulfillment.ALLOWED[current]:
        assert fulfillment.check(current, target) is target
    else:
        with pytest.raises(InvalidTransition, match="fulfilled units never come back"):
            fulfillment.check(current, target)


@pytest.mark.parametrize(("done", "expected"), [
    ({}, U.UNFULFILLED), ({"a": 1}, U.PARTIAL), ({"a": 2}, U.PARTIAL),
    ({"a": 2, "b": 1}, U.FULFILLED),
])
def test_fulfillment_status_is_derived_from_fulfilled_units(done, expected):
    assert fulfillment.derive({"a": 2, "b": 1}, done) is expected


def test_restock_never_exceeds_what_was_taken():
    assert guards.restockable(3, 0) == 3
    assert guards.restockable(3, 2) == 1
    assert guards.restockable(3, 3) == 0


def test_totals_add_payments_and_refunds_separately():
    rows = iter([("payment", Decimal("10")), ("refund", Decimal("3")), ("payment", Decimal("5"))])
    assert financial.totals(rows) == (Decimal("15"), Decimal("3"))


def test_an_order_with_money_still_paid_cannot_be_marked_refunded():
    with pytest.raises(RuleViolation, match="still has 5.00 paid"):
        guards.ensure_move_allowed("ORD-00001", S.REFUNDED, "i", "l", Decimal("5.00"))
    guards.ensure_move_allowed("ORD-00001", S.REFUNDED, "i", "l", Decimal("0"))


def test_an_order_with_fulfilled_items_cannot_be_cancelled():
    with pytest.raises(RuleViolation, match="already left the shop"):
        guards.ensure_move_allowed("ORD-00001", S.CANCELLED, None, None,
                                   fulfillment_status="partial")
    guards.ensure_move_allowed("ORD-00001", S.CANCELLED, None, None)
