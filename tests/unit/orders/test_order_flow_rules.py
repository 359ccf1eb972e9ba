"""The rules of issue 9's flows, pure: claim codes, awaiting_payment, customer-only moves, refunds
after cancellation, stages and checklist, warranty periods, the notifications table, the PDF."""
from __future__ import annotations

import re
import zlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from orders.domain import claim_codes, financial, guards, production, warranty
from orders.domain import status as st
from orders.domain.financial import FinancialStatus as F
from orders.domain.notifications import EVENTS, KINDS, Recipient, notice_for
from orders.domain.status import OrderStatus as S
from orders.errors import InvalidInput, InvalidTransition, RuleViolation
from orders.invoice_pdf import render_invoice_pdf


def test_claim_codes_look_like_nnn_nnnn_nnn_and_are_random():
    codes = {claim_codes.new_code() for _ in range(200)}
    assert all(re.fullmatch(r"\d{3}-\d{4}-\d{3}", c) for c in codes) and len(codes) == 200


@pytest.mark.parametrize("typed", ["123-4567-890", "123 4567 890", "1234567890", " 123-4567 890 "])
def test_a_claim_code_may_be_typed_loosely(typed):
    assert claim_codes.normalize(typed) == "123-4567-890"


@pytest.mark.parametrize("typed", ["123-4567-89", "abc-defg-hij", "", "12345678901"])
def test_what_is_not_a_claim_code_says_so(typed):
    with pytest.raises(InvalidInput, match="is not a claim code"):
        claim_codes.normalize(typed)


@pytest.mark.parametrize(("requested", "paid", "expected"), [
    (False, "0", F.PENDING), (True, "0", F.AWAITING_PAYMENT), (True, "4", F.PARTIALLY_PAID),
    (True, "10", F.PAID), (False, "10", F.PAID),
])
def test_awaiting_payment_is_derived_from_an_open_request_and_no_money(requested, paid, expected):
    assert financial.derive(Decimal("10"), Decimal(paid), Decimal("0"),
                            payment_requested=requested) is expected


def test_awaiting_payment_goes_back_to_pending_or_forward_to_paid_only():
    assert F.AWAITING_PAYMENT in financial.ALLOWED[F.PENDING]
    assert financial.ALLOWED[F.AWAITING_PAYMENT] == {F.PENDING, F.PARTIALLY_PAID, F.PAID}
    with pytest.raises(RuleViolation, match="nothing to ask"):
        financial.ensure_payment_requestable(F.PAID, "ORD-00001")


@pytest.mark.parametrize(("current", "target"), [(S.QUOTE, S.CLAIMED), (S.DELIVERED, S.COMPLETED)])
def test_the_customers_moves_are_refused_to_sellers(current, target):
    assert st.transition(current, target) is target
    with pytest.raises(InvalidTransition, match=st.NOT_BY_SELLER[target]):
        st.seller_transition(current, target)


def test_only_a_quote_becoming_an_order_takes_stock():
    moves = {(a, b) for a, targets in st.ALLOWED.items() for b in targets if st.reserves_stock(a, b)}
    assert moves == {(S.QUOTE, S.CONFIRMED), (S.CLAIMED, S.CONFIRMED)}


@pytest.mark.parametrize("current", list(S))
def test_refunds_need_delivery_completion_or_a_cancel_first(current):
    if current in {S.DELIVERED, S.COMPLETED, S.CANCELLED}:
        st.ensure_refundable(current, "ORD-00001")
    else:
        with pytest.raises(RuleViolation, match="cannot be refunded"):
            st.ensure_refundable(current, "ORD-00001")


def test_stages_go_one_step_at_a_time_and_never_past_the_last():
    stages = ["building", "testing", "ready"]
    assert production.next_stage(stages, None, "ORD-1") == "building"
    assert production.next_stage(stages, "building", "ORD-1") == "testing"
    with pytest.raises(RuleViolation, match="already ready, the last stage"):
        production.next_stage(stages, "ready", "ORD-1")
    with pytest.raises(RuleViolation, match="no longer one of the shop's stages"):
        production.next_stage(stages, "painting", "ORD-1")
    assert production.stage_missing(stages, "testing") == "ready"
    assert production.stage_missing(stages, "ready") is None and production.stage_missing([], None) is None


def test_unticked_items_include_a_photo_item_ticked_without_its_photo():
    items = production.checklist_of({"packing_checklist": ["QA", {"name": "photos", "photo": True}]})
    assert production.unticked(items, {}) == ["QA", "photos"]
    assert production.unticked(items, {"QA": {}, "photos": {"photo": None}}) == ["photos"]
    assert production.unticked(items, {"QA": {}, "photos": {"photo": "ref"}}) == []


def test_the_packing_gate_names_what_is_missing_in_order():
    with pytest.raises(RuleViolation, match="without shipping-label URL"):
        guards.ensure_move_allowed("O", S.PACKED, "i", None, unticked=["QA"])
    with pytest.raises(RuleViolation, match=r"last production stage \(ready\)"):
        guards.ensure_move_allowed("O", S.PACKED, "i", "l", unticked=["QA"], stage_missing="ready")
    with pytest.raises(RuleViolation, match="not ticked: QA, photos"):
        guards.ensure_move_allowed("O", S.PACKED, "i", "l", unticked=["QA", "photos"])
    guards.ensure_move_allowed("O", S.PACKED, "i", "l")


@pytest.mark.parametrize(("start", "months", "end"), [
    (datetime(2026, 1, 31, 12, tzinfo=UTC), 1, datetime(2026, 2, 28, 12, tzinfo=UTC)),
    (datetime(2026, 11, 23, tzinfo=UTC), 12, datetime(2027, 11, 23, tzinfo=UTC)),
    (datetime(2027, 12, 15, tzinfo=UTC), 2, datetime(2028, 2, 15, tzinfo=UTC)),
])
def test_warranty_ends_months_later_and_reminds_30_days_before(start, months, end):
    starts, ends, remind = warranty.period(start, months)
    assert (starts, ends) == (start, end)
    assert remind == max(end - timedelta(days=30), start)


def test_every_status_has_a_decided_notice_and_packing_tells_nobody():
    assert {f"status.{s}" for s in S} <= EVENTS.keys()
    assert notice_for("status.packed") is None
    assert notice_for("quote.accepted").recipient is Recipient.SELLERS
    assert notice_for("payment.customer_says_paid").recipient is Recipient.SELLERS
    assert notice_for("tracking.changed").kind == "order.tracking_changed"
    assert {"order.invoice_issued", "order.warranty_expiring", "order.quote_claimed"} <= KINDS


def _invoice(**changes):
    invoice = {"shop": {"name": "Oven Works"}, "invoice_number": "INV-00007",
               "issued_at": "2026-11-23T10:00:00+00:00", "order_number": "ORD-00042",
               "currency": "EUR", "customer": {"name": "José Müller", "address": "1 Calle"},
               "lines": [{"name": "oven", "quantity": 2, "options": ["large"],
                          "unit_price": "500.00", "line_total": "1000.00"}],
               "total": "1000.00", "paid": "1000.00"}
    return invoice | changes


def _streams(pdf: bytes) -> bytes:
    out = b""
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            out += zlib.decompressobj().decompress(pdf[match.end():])
        except zlib.error:
            pass
    return out


def test_invoice_pdf_carries_number_shop_customer_lines_and_totals():
    pdf = render_invoice_pdf(_invoice())
    text = _streams(pdf)
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    # Latin-1 text as written in the page stream; PDF strings escape parentheses
    for words in (b"INV-00007", b"Oven Works", b"Jos\xe9 M\xfcller", rb"oven \(large\)",
                  b"1000.00 EUR", b"Date: 2026-11-23"):
        assert words in text, words


def test_invoice_pdf_is_the_same_for_the_same_snapshot_and_survives_any_script():
    assert render_invoice_pdf(_invoice()) == render_invoice_pdf(_invoice())
    pdf = render_invoice_pdf(_invoice(customer={"name": "Дмитрий 🍕"}))
    assert b"INV-00007" in _streams(pdf)
