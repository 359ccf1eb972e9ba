"""Lists: keyset pagination newest first, filters, text search, always one shop."""
from __future__ import annotations

import uuid

import pytest

from orders.errors import InvalidInput
from orders.services.lifecycle import transition_order
from orders.services.payments import record_payment
from orders.services.queries import OrderFilter, list_orders


async def test_pages_cover_every_order_once_newest_first(db, make):
    shop = await make.shop()
    await make.product(shop)
    agent = await make.member(shop, "admin")
    made = [await make.order(agent) for _ in range(7)]

    seen, cursor = [], None
    while True:
        page = await list_orders(db.uow(), agent, cursor=cursor, limit=3)
        seen += [o.number for o in page.items]
        if not (cursor := page.next_cursor):
            break
    assert seen == [o.number for o in reversed(made)]


async def test_filters_and_text_search(db, make):
    shop = await make.shop()
    await make.product(shop, "PIZZA", "margherita pizza")
    await make.product(shop, "COLA", "cola")
    admin = await make.member(shop, "admin")
    conversation = uuid.uuid4()
    first = await make.order(admin, [("PIZZA", 1)], customer_name="Ann Lee",
                             conversation_id=conversation, tags=["vip"])
    second = await make.order(admin, [("COLA", 1)], customer_phone="+15550100")
    await transition_order(db.uow(), admin, second.number, "confirmed")
    await record_payment(db.uow(), admin, second.number, "11.00")

    async def numbers(**kw):
        return [o.number for o in (await list_orders(db.uow(), admin, OrderFilter(**kw))).items]

    assert await numbers(status="confirmed") == [second.number]
    assert await numbers(status=["pending", "confirmed"]) == [second.number, first.number]
    assert await numbers(financial_status="paid") == [second.number]
    assert await numbers(fulfillment_status="unfulfilled") == [second.number, first.number]
    assert await numbers(conversation_id=conversation) == [first.number]
    assert await numbers(tag="vip") == [first.number]
    assert await numbers(text="margher") == [first.number]
    assert await numbers(text="ann") == [first.number]
    assert await numbers(text="5550100") == [second.number]
    assert await numbers(text=second.number) == [second.number]
    assert await numbers(text="100%") == []


async def test_bad_cursor_and_limit_are_refused(db, make):
    shop = await make.shop()
    admin = await make.member(shop)
    with pytest.raises(InvalidInput, match="cursor is not valid"):
        await list_orders(db.uow(), admin, cursor="garbage")
    with pytest.raises(InvalidInput, match="limit"):
        await list_orders(db.uow(), admin, limit=0)
