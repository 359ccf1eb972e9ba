"""Quotes hold no stock until converted; only the customer claims; invoices are one per order,
numbered per shop without gaps; notice templates per shop and language."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from orders.db import new_id
from orders.errors import (InvalidInput, InvalidTransition, OutOfStock, PermissionDenied,
                           RuleViolation)
from orders.models import Customer, CustomerIdentity, Invoice, Product
from orders.services import (cancel_order, create_quote, issue_invoice, list_templates,
                             replace_lines, set_template, template_overrides, transition_order)
from orders.services.creation import LineRequest, NewOrder
from orders.services.quotes import create_quote_in


async def _stock(db):
    async with db.uow() as uow:
        return await uow.session.scalar(select(Product.stock))


def _quote(qty=1):
    return NewOrder(lines=[LineRequest("PIZZA", qty)])


async def test_a_quote_for_a_known_customer_is_sent_to_their_chat_without_a_code(db, make):
    shop = await make.shop()
    await make.product(shop)
    agent = await make.member(shop, "agent")
    async with db.uow() as uow:
        ana = Customer(id=new_id(), shop_id=shop.id, name="Ana", phone="+34600000000")
        uow.session.add(ana)
        await uow.flush()
        uow.session.add(CustomerIdentity(id=new_id(), shop_id=shop.id, customer_id=ana.id,
                                         channel="whatsapp", external_id="34600000000"))
        await uow.commit()

    quote = await create_quote(db.uow(), agent, _quote(), customer_id=ana.id)

    assert (quote.status, quote.claim_code, quote.customer_name) == ("quote", None, "Ana")
    async with db.uow() as uow:
        sent = [(m.kind, m.channel, m.recipient) for m in await uow.outbox.pending(shop.id)]
    assert sent == [("order.quote_sent", "whatsapp", "34600000000")]


async def test_stock_is_reserved_when_the_quote_is_converted_not_before(db, make):
    shop = await make.shop()
    await make.product(shop, stock=5)
    agent = await make.member(shop, "agent")
    quote = await create_quote(db.uow(), agent, _quote(4))
    other = await create_quote(db.uow(), agent, _quote(4))
    edited = await replace_lines(db.uow(), await make.member(shop, "manager"), quote.number,
                                 [LineRequest("PIZZA", 3)])
    assert await _stock(db) == 5 and edited.lines[0].reserved == 0

    confirmed = await transition_order(db.uow(), agent, quote.number, "confirmed")
    assert await _stock(db) == 2 and confirmed.lines[0].reserved == 3
    with pytest.raises(OutOfStock, match="Only 2 left of pizza"):
        await transition_order(db.uow(), agent, other.number, "confirmed")
    assert (await cancel_order(db.uow(), agent, other.number)).claim_code is None
    assert await _stock(db) == 2  # the cancelled quote held nothing, gave nothing back
    await cancel_order(db.uow(), agent, quote.number)
    assert await _stock(db) == 5


async def test_sellers_cannot_claim_or_complete_for_the_customer(db, make):
    shop = await make.shop()
    await make.product(shop)
    admin = await make.member(shop, "admin")
    quote = await create_quote(db.uow(), admin, _quote())
    with pytest.raises(InvalidTransition, match="only the customer's claim code"):
        await transition_order(db.uow(), admin, quote.number, "claimed")


async def test_invoice_by_hand_is_never_issued_twice_and_numbers_have_no_gaps(db, make):
    shop = await make.shop()
    await make.product(shop)
    manager = await make.member(shop, "manager")
    first, second = await make.order(manager), await make.order(manager)
    quote = await create_quote(db.uow(), manager, _quote())
    for order in (first, second):
        await transition_order(db.uow(), manager, order.number, "confirmed")

    with pytest.raises(RuleViolation, match="is quote; only an order the shop accepted"):
        await issue_invoice(db.uow(), manager, quote.number)
    a = await issue_invoice(db.uow(), manager, second.number)
    with pytest.raises(RuleViolation, match="already has invoice INV-00001"):
        await issue_invoice(db.uow(), manager, second.number)
    b = await issue_invoice(db.uow(), manager, first.number)

    assert (a.invoice_number, b.invoice_number) == ("INV-00001", "INV-00002")
    async with db.uow() as uow:
        rows = list(await uow.session.scalars(select(Invoice).order_by(Invoice.number)))
    assert [(r.number, r.order_id) for r in rows] == [("INV-00001", second.id), ("INV-00002", first.id)]
    assert rows[0].snapshot["lines"][0]["name"] == "pizza"


async def test_templates_are_per_shop_and_language_and_fall_back_when_cleared(db, make):
    shop, other = await make.shop(), await make.shop()
    admin, agent = await make.member(shop, "admin"), await make.member(shop, "agent")
    with pytest.raises(PermissionDenied):
        await set_template(db.uow(), agent, "order.quote_sent", "en", "Hi")
    with pytest.raises(InvalidInput, match="not a notice kind"):
        await set_template(db.uow(), admin, "order.lost", "en", "Hi")

    await set_template(db.uow(), admin, "order.quote_sent", "en", "Your quote {order_number}")
    await set_template(db.uow(), admin, "order.quote_sent", "es", "Tu presupuesto {order_number}")
    await set_template(db.uow(), admin, "order.quote_sent", "en", "Quote {order_number} inside")

    assert await template_overrides(db.uow(), shop.id, "en") == {
        "order.quote_sent": "Quote {order_number} inside"}
    assert await template_overrides(db.uow(), other.id, "en") == {}
    assert [(t.kind, t.language) for t in await list_templates(db.uow(), agent)] == [
        ("order.quote_sent", "en"), ("order.quote_sent", "es")]
    await set_template(db.uow(), admin, "order.quote_sent", "es", "")
    assert await template_overrides(db.uow(), shop.id, "es") == {}


async def test_a_quote_made_inside_a_callers_transaction_keeps_its_draft_and_commits_with_it(db, make):
    shop = await make.shop()
    await make.product(shop)
    agent = await make.member(shop, "agent")
    draft_id = new_id()

    async with db.uow() as uow:
        made = await create_quote_in(uow, agent, _quote(), draft_id=draft_id)
        await uow.rollback()  # the caller decides: nothing stays
    async with db.uow() as uow:
        assert await uow.orders.by_draft(shop.id, draft_id) is None
        made = await create_quote_in(uow, agent, _quote(), draft_id=draft_id)
        await uow.commit()
    async with db.uow() as uow:
        kept = await uow.orders.by_draft(shop.id, draft_id)
    assert (kept.number, kept.status, kept.source, kept.claim_code) == (
        made.number, "quote", "draft", made.claim_code)
