"""The flows under real concurrency: ten customers claiming one code at once, two sweeps at once,
two sellers invoicing at once. PostgreSQL races on row locks; SQLite queues on its write lock."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from orders.db import new_id
from orders.errors import AlreadyClaimed, RuleViolation
from orders.models import Customer, Invoice, OutboxMessage, Product
from orders.services import (attach_documents, claim_quote, confirm_received, create_quote,
                             issue_invoice, run_sweeps, transition_order)
from orders.services.creation import LineRequest, NewOrder
from orders.views import order_view
from tests.conftest import Factories


async def _customers(db, shop, n):
    async with db.uow() as uow:
        rows = [Customer(id=new_id(), shop_id=shop.id, name=f"c{i}") for i in range(n)]
        uow.session.add_all(rows)
        await uow.commit()
    return [c.id for c in rows]


async def test_ten_claimants_at_once_one_gets_the_quote_nine_are_told_why_not(db):
    make = Factories(db)
    shop = await make.shop()
    await make.product(shop)
    quote = await create_quote(db.uow(), await make.member(shop, "agent"),
                               NewOrder(lines=[LineRequest("PIZZA", 1)]))
    people = await _customers(db, shop, 10)

    results = await asyncio.gather(*(claim_quote(db.uow(), shop.id, quote.claim_code, c)
                                     for c in people), return_exceptions=True)

    won = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, AlreadyClaimed)]
    assert len(won) == 1 and len(refused) == 9, results
    view = order_view(won[0])
    assert (view["status"], view["claim_code"]) == ("claimed", None)


async def test_two_sweeps_at_once_complete_and_remind_once(db):
    make = Factories(db)
    shop = await make.shop()
    await make.product(shop, "OVEN", price="100.00")
    async with db.uow() as uow:
        (await uow.session.scalar(select(Product))).warranty_months = 1
        await uow.commit()
    agent = await make.member(shop, "agent")
    order = await make.order(agent, [("OVEN", 1)])
    await transition_order(db.uow(), agent, order.number, "confirmed")
    await attach_documents(db.uow(), agent, order.number, invoice_url="i", label_url="l")
    for target in ("packed", "shipped", "delivered"):
        order = await transition_order(db.uow(), agent, order.number, target)
    when = order.auto_complete_at + timedelta(minutes=1)

    results = await asyncio.gather(run_sweeps(db.uow, now=when), run_sweeps(db.uow, now=when))
    assert sum(r["completed"] for r in results) == 1

    # A one-month warranty's reminder (30 days before its end) is due within a day of its start,
    # or at once after a short month: two days on, every calendar has it due.
    later = when + timedelta(days=2)
    results += await asyncio.gather(run_sweeps(db.uow, now=later), run_sweeps(db.uow, now=later))
    assert sum(r["completed"] for r in results) == 1
    assert sum(r["warranty_reminders"] for r in results) == 1
    async with db.uow() as uow:
        kinds = list(await uow.session.scalars(select(OutboxMessage.kind)))
        assert await uow.session.scalar(select(func.count()).select_from(Invoice)) == 1
    assert kinds.count("order.warranty_expiring") == 1 and kinds.count("order.invoice_issued") == 1


async def test_invoice_by_hand_and_the_customers_confirmation_at_once_make_one_invoice(db):
    make = Factories(db)
    shop = await make.shop()
    await make.product(shop)
    manager = await make.member(shop, "manager")
    [ana] = await _customers(db, shop, 1)
    order = await make.order(manager, customer_id=ana)
    await transition_order(db.uow(), manager, order.number, "confirmed")
    await attach_documents(db.uow(), manager, order.number, invoice_url="i", label_url="l")
    for target in ("packed", "shipped", "delivered"):
        await transition_order(db.uow(), manager, order.number, target)

    results = await asyncio.gather(issue_invoice(db.uow(), manager, order.number),
                                   confirm_received(db.uow(), shop.id, ana, order.number),
                                   return_exceptions=True)

    assert all(not isinstance(r, Exception) or isinstance(r, RuleViolation) for r in results), results
    async with db.uow() as uow:
        numbers = list(await uow.session.scalars(select(Invoice.number)))
        final = await uow.orders.get(shop.id, order.number)
    assert numbers == ["INV-00001"] and final.status == "completed"
