"""Payment requests: awaiting_payment while nothing is paid and a request is open, pending again
when withdrawn; "I paid" tells the sellers once per request and changes no money."""
from __future__ import annotations

import pytest

from orders.db import new_id
from orders.errors import RuleViolation
from orders.models import Customer
from orders.services import (create_quote, customer_says_paid, order_history, record_payment,
                             request_payment, withdraw_payment_request)
from orders.services.creation import LineRequest, NewOrder


async def _kinds(db, shop, kind):
    async with db.uow() as uow:
        return [m for m in await uow.outbox.pending(shop.id) if m.kind == kind]


async def _customer(db, shop):
    async with db.uow() as uow:
        customer = Customer(id=new_id(), shop_id=shop.id, name="Ana")
        uow.session.add(customer)
        await uow.commit()
    return customer.id


async def test_request_then_withdraw_moves_the_derived_status_and_tells_the_customer(db, make):
    shop = await make.shop()
    await make.product(shop, price="20.00")
    manager = await make.member(shop, "manager")
    order = await make.order(manager, [("PIZZA", 1)])

    asked = await request_payment(db.uow(), manager, order.number)
    withdrawn = await withdraw_payment_request(db.uow(), manager, order.number)

    assert (asked.financial_status, withdrawn.financial_status) == ("awaiting_payment", "pending")
    moves = [(h.from_value, h.to_value) for h in await order_history(db.uow(), manager, order.number)
             if h.axis == "financial"]
    assert moves == [("pending", "awaiting_payment"), ("awaiting_payment", "pending")]
    assert len(await _kinds(db, shop, "order.payment_request_withdrawn")) == 1
    with pytest.raises(RuleViolation, match="no open payment request"):
        await withdraw_payment_request(db.uow(), manager, order.number)


async def test_partial_payment_leaves_the_rest_due_and_a_paid_order_cannot_be_asked(db, make):
    shop = await make.shop()
    await make.product(shop, price="20.00")
    manager = await make.member(shop, "manager")
    order = await make.order(manager, [("PIZZA", 1)])
    await request_payment(db.uow(), manager, order.number)

    part = await record_payment(db.uow(), manager, order.number, "5.00")
    again = await request_payment(db.uow(), manager, order.number)
    assert (part.financial_status, again.financial_status) == ("partially_paid", "partially_paid")
    assert [m.payload["amount_due"] for m in await _kinds(db, shop, "order.payment_requested")] \
        == ["20.00", "15.00"]
    await record_payment(db.uow(), manager, order.number, "15.00")
    with pytest.raises(RuleViolation, match="is paid; there is nothing to ask"):
        await request_payment(db.uow(), manager, order.number)


async def test_a_quote_is_converted_before_payment_is_asked(db, make):
    shop = await make.shop()
    await make.product(shop)
    manager = await make.member(shop, "manager")
    quote = await create_quote(db.uow(), manager, NewOrder(lines=[LineRequest("PIZZA", 1)]))
    with pytest.raises(RuleViolation, match="is quote; payment is asked for once"):
        await request_payment(db.uow(), manager, quote.number)


async def test_customer_says_paid_tells_the_sellers_once_per_request(db, make):
    shop = await make.shop()
    await make.product(shop, price="20.00")
    manager = await make.member(shop, "manager")
    ana = await _customer(db, shop)
    order = await make.order(manager, [("PIZZA", 1)], customer_id=ana)
    await request_payment(db.uow(), manager, order.number)

    said = await customer_says_paid(db.uow(), shop.id, ana)  # finds the order awaiting payment
    await customer_says_paid(db.uow(), shop.id, ana, order.number)

    assert said.financial_status == "awaiting_payment" and said.payments == []
    told = await _kinds(db, shop, "order.customer_says_paid")
    assert [(m.recipient, m.payload["order_number"], m.payload["amount_due"]) for m in told] \
        == [("sellers", order.number, "20.00")]
    await request_payment(db.uow(), manager, order.number)  # asked again: a new "I paid" counts
    await customer_says_paid(db.uow(), shop.id, ana, order.number)
    assert len(await _kinds(db, shop, "order.customer_says_paid")) == 2
    notes = [h.note for h in await order_history(db.uow(), manager, order.number) if h.axis == "note"]
    assert notes == ["customer says they paid", "customer says they paid"]
