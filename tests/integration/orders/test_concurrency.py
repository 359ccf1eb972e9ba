"""Real concurrent transactions on PostgreSQL (SQLite serializes writers, so these need PG)."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from orders.errors import OutOfStock
from orders.models import Order, Product
from orders.services.creation import LineRequest, NewOrder, create_order
from tests.conftest import Factories

pytestmark = pytest.mark.postgres


async def test_twenty_concurrent_orders_for_five_in_stock_sell_exactly_five(pg_db):
    make = Factories(pg_db)
    shop = await make.shop()
    await make.product(shop, "CAKE", "cake", stock=5)
    agent = await make.member(shop, "agent")

    results = await asyncio.gather(
        *(create_order(pg_db.uow(), agent, NewOrder(lines=[LineRequest("CAKE", 1)]))
          for _ in range(20)), return_exceptions=True)

    made = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, OutOfStock)]
    assert len(made) == 5 and len(refused) == 15
    assert sorted(o.number for o in made) == [f"ORD-0000{i}" for i in range(1, 6)]
    async with pg_db.uow() as uow:
        assert await uow.session.scalar(select(Product.stock)) == 0
        assert len((await uow.session.scalars(select(Order))).all()) == 5
