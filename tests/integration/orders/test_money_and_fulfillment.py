"""Payments, refunds with chosen restock, fulfillments: the derived axes follow their rows."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from orders.errors import InvalidInput, PermissionDenied, RuleViolation
from orders.models import Product, Restock
from orders.services.editing import attach_documents
from orders.services.fulfillments import fulfill_order
from orders.services.lifecycle import cancel_order, transition_order
from orders.services.payments import record_payment, refund_order
from orders.services.queries import order_history


async def _stocks(db):
    async with db.uow() as uow:
        return {p.sku: p.stock for p in await uow.session.scalars(select(Product))}


async def _delivered(db, actor, order):
    for target in ("confirmed",):
        await transition_order(db.uow(), actor, order.number, target)
    await attach_documents(db.uow(), actor, order.number, invoice_url="i", label_url="l")
    for target in ("packed", "shipped", "delivered"):
        order = await transition_order(db.uow(), actor, order.number, target)
    return order


async def test_payments_move_the_financial_status(db, make):
    shop = await make.shop()
    await make.product(shop, price="10.00")
    manager = await make.member(shop, "manager")
    order = await make.order(manager, [("PIZZA", 2)])

    order = await record_payment(db.uow(), manager, order.number, "5.00", method="cash")
    assert order.financial_status == "partially_paid"
    order = await record_payment(db.uow(), manager, order.number, "15.00", reference="pi_1")
    assert order.financial_status == "paid"
    again = await record_payment(db.uow(), manager, order.number, "15.00", reference="pi_1")
    assert len(again.payments) == 2  # the provider retried: recorded once

    financial = [(h.from_value, h.to_value) for h in
                 await order_history(db.uow(), manager, order.number) if h.axis == "financial"]
    assert financial == [("pending", "partially_paid"), ("partially_paid", "paid")]


async def test_refund_with_partial_restock_puts_back_only_the_chosen_units(db, make):
    shop = await make.shop()
    await make.product(shop, "PIZZA", price="10.00", stock=10)
    await make.product(shop, "COLA", price="2.00", stock=10)
    manager = await make.member(shop, "manager")
    order = await make.order(manager, [("PIZZA", 3), ("COLA", 2)])
    await record_payment(db.uow(), manager, order.number, "34.00")
    await _delivered(db, manager, order)
    pizza, cola = order.lines
    with pytest.raises(InvalidInput, match="Only 34.00 USD can be refunded"):
        await refund_order(db.uow(), manager, order.number, "35.00")

    order = await refund_order(db.uow(), manager, order.number, "10.00", restock={pizza.id: 1})

    assert order.financial_status == "partially_refunded"
    assert await _stocks(db) == {"PIZZA": 8, "COLA": 8}
    with pytest.raises(InvalidInput, match="Only 2 of pizza can still go back to stock"):
        await refund_order(db.uow(), manager, order.number, "5.00", restock={pizza.id: 3})
    order = await refund_order(db.uow(), manager, order.number, "24.00",
                               restock={pizza.id: 2, cola.id: 2})
    assert (order.status, order.financial_status) == ("refunded", "refunded")
    assert await _stocks(db) == {"PIZZA": 10, "COLA": 10}
    with pytest.raises(RuleViolation, match="it is refunded already"):
        await refund_order(db.uow(), manager, order.number, "1.00")


async def test_refund_of_an_undelivered_order_needs_a_cancellation_first(db, make):
    shop = await make.shop()
    await make.product(shop, price="10.00", stock=10)
    manager = await make.member(shop, "manager")
    order = await make.order(manager, [("PIZZA", 4)])
    await record_payment(db.uow(), manager, order.number, "40.00")
    with pytest.raises(RuleViolation, match="it is pending; cancel it first"):
        await refund_order(db.uow(), manager, order.number, "10.00")

    await cancel_order(db.uow(), manager, order.number)
    # the cancel gave every unit back: a refund finds none left to restock
    with pytest.raises(InvalidInput, match="Only 0 of pizza can still go back to stock"):
        await refund_order(db.uow(), manager, order.number, "10.00", restock={order.lines[0].id: 1})
    order = await refund_order(db.uow(), manager, order.number, "40.00")

    assert (order.status, order.financial_status) == ("cancelled", "refunded")
    assert await _stocks(db) == {"PIZZA": 10}
    async with db.uow() as uow:
        rows = sorted((r.reason, r.quantity) for r in await uow.session.scalars(select(Restock)))
    assert rows == [("cancel", 4)]


async def test_shipped_order_is_refunded_once_delivered(db, make):
    shop = await make.shop()
    await make.product(shop, price="10.00")
    manager = await make.member(shop, "manager")
    order = await make.order(manager, [("PIZZA", 1)])
    await record_payment(db.uow(), manager, order.number, "10.00")
    await transition_order(db.uow(), manager, order.number, "confirmed")
    await attach_documents(db.uow(), manager, order.number, invoice_url="i", label_url="l")
    for target in ("packed", "shipped"):
        await transition_order(db.uow(), manager, order.number, target)

    with pytest.raises(RuleViolation, match="on its way; refund it once it is delivered"):
        await refund_order(db.uow(), manager, order.number, "10.00")


async def test_full_refund_of_a_delivered_order_makes_it_refunded(db, make):
    shop = await make.shop()
    await make.product(shop, price="10.00", stock=3)
    manager = await make.member(shop, "manager")
    order = await make.order(manager, [("PIZZA", 1)])
    await record_payment(db.uow(), manager, order.number, "10.00")
    await _delivered(db, manager, order)

    order = await refund_order(db.uow(), manager, order.number, "10.00")

    assert (order.status, order.financial_status) == ("refunded", "refunded")
    assert await _stocks(db) == {"PIZZA": 2}  # nothing chosen for restock: nothing came back


async def test_agent_cannot_refund(db, make):
    shop = await make.shop()
    await make.product(shop)
    agent = await make.member(shop, "agent")
    order = await make.order(agent)
    with pytest.raises(PermissionDenied, match="agent may not refund"):
        await refund_order(db.uow(), agent, order.number, "1.00")


async def test_fulfillments_derive_partial_then_fulfilled(db, make):
    shop = await make.shop()
    await make.product(shop)
    agent = await make.member(shop, "agent")
    order = await make.order(agent, [("PIZZA", 3)])
    with pytest.raises(RuleViolation, match="only confirmed, packed or shipped"):
        await fulfill_order(db.uow(), agent, order.number)
    await transition_order(db.uow(), agent, order.number, "confirmed")
    line = order.lines[0]

    order = await fulfill_order(db.uow(), agent, order.number, {line.id: 1}, carrier="UPS",
                                tracking_number="1Z")
    assert order.fulfillment_status == "partial"
    with pytest.raises(InvalidInput, match="Only 2 of pizza are left to fulfill"):
        await fulfill_order(db.uow(), agent, order.number, {line.id: 3})
    order = await fulfill_order(db.uow(), agent, order.number)
    assert order.fulfillment_status == "fulfilled"
    assert [sum(fl.quantity for fl in f.lines) for f in order.fulfillments] == [1, 2]
    axes = [(h.from_value, h.to_value) for h in
            await order_history(db.uow(), agent, order.number) if h.axis == "fulfillment"]
    assert axes == [("unfulfilled", "partial"), ("partial", "fulfilled")]
