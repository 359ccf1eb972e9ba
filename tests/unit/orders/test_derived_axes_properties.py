"""Property tests: whatever payments, refunds and fulfillments arrive (as the services allow
them), the derived statuses only ever move along their transition tables."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from orders.domain import financial, fulfillment
from orders.errors import InvalidInput

cents = st.integers(min_value=1, max_value=5_000).map(lambda c: Decimal(c) / 100)


@given(total=cents, events=st.lists(st.tuples(st.sampled_from(["payment", "refund"]), cents),
                                    max_size=12))
def test_financial_status_only_moves_along_its_table(total, events):
    paid = refunded = Decimal("0")
    current = financial.derive(total, paid, refunded)
    for kind, amount in events:
        try:
            if kind == "payment":
                financial.ensure_payment_allowed(amount, refunded)
                paid += amount
            else:
                financial.ensure_refund_allowed(amount, paid, refunded, "USD")
                refunded += amount
        except InvalidInput:
            continue  # the service refuses it: nothing recorded
        current = financial.check(current, financial.derive(total, paid, refunded))
    assert refunded <= paid


@given(ordered=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=4),
       shipments=st.lists(st.tuples(st.integers(min_value=0, max_value=3),
                                    st.integers(min_value=1, max_value=5)), max_size=10))
def test_fulfillment_status_only_moves_along_its_table(ordered, shipments):
    lines = dict(enumerate(ordered))
    done: dict[int, int] = {}
    current = fulfillment.derive(lines, done)
    for line, qty in shipments:
        try:
            fulfillment.ensure_quantities(lines, done, {line: qty}, {i: f"item {i}" for i in lines})
        except InvalidInput:
            continue
        done[line] = done.get(line, 0) + qty
        current = fulfillment.check(current, fulfillment.derive(lines, done))
    assert all(done.get(i, 0) <= q for i, q in lines.items())
