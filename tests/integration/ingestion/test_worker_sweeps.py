"""The inbox worker's periodic sweep also runs the order core's: an order delivered longer ago
than the shop's `auto_complete_days` is completed (and invoiced) without anyone asking."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from ingestion.worker import InboxWorker
from orders.db import utcnow
from orders.models import Order
from orders.services.editing import attach_documents
from orders.services.lifecycle import transition_order
from orders.services.queries import get_order


async def test_the_worker_sweep_completes_an_overdue_delivery(db, make):
    shop = await make.shop("luigis")
    await make.product(shop, "PIZZA", price="10.00")
    agent = await make.member(shop, "agent")
    order = await make.order(agent)
    await transition_order(db.uow(), agent, order.number, "confirmed")
    await attach_documents(db.uow(), agent, order.number, invoice_url="https://inv/1",
                           label_url="https://label/1")
    for target in ("packed", "shipped", "delivered"):
        await transition_order(db.uow(), agent, order.number, target)
    worker = InboxWorker(db.session_factory, sweep_every=3600)

    await worker.sweep_if_due()
    assert (await get_order(db.uow(), agent, order.number)).status == "delivered"  # not yet due

    async with db.uow() as uow:  # the shop's days have passed
        await uow.session.execute(update(Order).where(Order.id == order.id).values(
            auto_complete_at=utcnow() - timedelta(minutes=1)))
        await uow.commit()
    worker._next_sweep = 0.0
    await worker.sweep_if_due()
    done = await get_order(db.uow(), agent, order.number)
    assert done.status == "completed" and done.invoice_number == "INV-00001"
