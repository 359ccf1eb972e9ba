"""Migration 0006 keeps existing orders on both backends: the status CHECK grows in place (no
table copy whose DROP would cascade away lines and history), and a downgrade maps the new
statuses onto old ones instead of failing."""
from __future__ import annotations

import uuid

from sqlalchemy import func, select, text

from orders.db import make_engine, make_session_factory
from orders.migrate import downgrade, upgrade
from orders.models import OrderLine, Product
from orders.services import create_quote
from orders.services.creation import LineRequest, NewOrder
from orders.services.shops import actor_of, add_member, create_shop
from orders.uow import UnitOfWork


async def _count_and_status(url):
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            lines = await conn.scalar(select(func.count()).select_from(OrderLine.__table__))
            status = await conn.scalar(text("SELECT status FROM orders"))
            history = await conn.scalar(text("SELECT count(*) FROM order_history"))
        return lines, status, history
    finally:
        await engine.dispose()


async def test_orders_survive_down_and_up_again_with_their_lines_and_history(empty_url):
    await upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        factory = make_session_factory(engine)
        shop = await create_shop(UnitOfWork(factory), "keep", "Keep")
        actor = actor_of((await add_member(UnitOfWork(factory), "keep", "A", "admin")).member)
        async with UnitOfWork(factory) as uow:
            uow.session.add(Product(id=uuid.uuid4(), shop_id=shop.id, sku="X", name="x",
                                    price="1.00", options=[], aliases=[], active=True))
            await uow.commit()
        await create_quote(UnitOfWork(factory), actor, NewOrder(lines=[LineRequest("X", 2)]))
    finally:
        await engine.dispose()
    before = await _count_and_status(empty_url)

    await downgrade(empty_url, "0005_seller_chat")
    down = await _count_and_status(empty_url)
    await upgrade(empty_url)

    assert before[:2] == (1, "quote")
    assert down == (1, "pending", before[2])  # the quote became a pending order, nothing lost
    assert await _count_and_status(empty_url) == down
