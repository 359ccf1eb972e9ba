"""Real concurrent transactions. On PostgreSQL they race on row locks; on SQLite the same code
queues on the database's write lock (BEGIN IMMEDIATE), and must give the same outcomes."""
from __future__ import annotations

import asyncio

from sqlalchemy import select

from orders.errors import OutOfStock
from orders.models import Order, Product
from orders.services.creation import LineRequest, NewOrder, create_order
from tests.conftest import Factories


async def test_twenty_concurrent_orders_for_five_in_stock_sell_exactly_five(db):
    make = Factories(db)
    shop = await make.shop()
    await make.product(shop, "CAKE", "cake", stock=5)
    agent = await make.member(shop, "agent")

    results = await asyncio.gather(
        *(create_order(db.uow(), agent, NewOrder(lines=[LineRequest("CAKE", 1)]))
          for _ in range(20)), return_exceptions=True)

    made = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, OutOfStock)]
    assert len(made) == 5 and len(refused) == 15
    assert sorted(o.number for o in made) == [f"ORD-0000{i}" for i in range(1, 6)]
    async with db.uow() as uow:
        assert await uow.session.scalar(select(Product.stock)) == 0
        assert len((await uow.session.scalars(select(Order))).all()) == 5


async def test_two_updates_with_the_same_version_one_wins_one_is_stale(db):
    from orders.errors import StaleVersion
    from orders.services.lifecycle import transition_order

    make = Factories(db)
    shop = await make.shop()
    await make.product(shop)
    agent = await make.member(shop, "agent")
    order = await make.order(agent)

    results = await asyncio.gather(
        transition_order(db.uow(), agent, order.number, "confirmed", expected_version=1),
        transition_order(db.uow(), agent, order.number, "cancelled", expected_version=1),
        return_exceptions=True)

    winners = [r for r in results if not isinstance(r, Exception)]
    stale = [r for r in results if isinstance(r, StaleVersion)]
    assert len(winners) == 1 and len(stale) == 1, results
    assert "changed by someone else" in str(stale[0])
    async with db.uow() as uow:
        final = await uow.orders.get(shop.id, order.number)
        moves = [h for h in await uow.history.for_order(final) if h.axis == "status"]
    assert final.version == 2 and final.status == winners[0].status and len(moves) == 2


async def test_cancelled_twice_at_once_restores_stock_once(db):
    from orders.errors import InvalidTransition
    from orders.models import Restock
    from orders.services.lifecycle import cancel_order

    make = Factories(db)
    shop = await make.shop()
    await make.product(shop, "CAKE", "cake", stock=10)
    agent = await make.member(shop, "agent")
    order = await make.order(agent, [("CAKE", 4)])

    results = await asyncio.gather(*(cancel_order(db.uow(), agent, order.number)
                                     for _ in range(2)), return_exceptions=True)

    assert sum(isinstance(r, InvalidTransition) for r in results) == 1, results
    async with db.uow() as uow:
        assert await uow.session.scalar(select(Product.stock)) == 10
        assert [r.quantity for r in await uow.session.scalars(select(Restock))] == [4]


async def test_first_orders_from_a_new_customer_at_once_make_one_customer(db):
    from orders.models import Customer, CustomerIdentity

    make = Factories(db)
    shop = await make.shop()
    await make.product(shop)
    agent = await make.member(shop, "agent")

    orders = await asyncio.gather(*(
        create_order(db.uow(), agent, NewOrder(lines=[LineRequest("PIZZA", 1)], channel="telegram",
                                               external_id="777", customer_name="Zoe"))
        for _ in range(5)))

    async with db.uow() as uow:
        customers = (await uow.session.scalars(select(Customer))).all()
        identities = (await uow.session.scalars(select(CustomerIdentity))).all()
    assert len(customers) == 1 and len(identities) == 1
    assert {o.customer_id for o in orders} == {customers[0].id}


async def test_reads_do_not_wait_for_an_open_writer(db):
    from orders.services.queries import get_order, list_orders

    make = Factories(db)
    shop = await make.shop()
    await make.product(shop)
    agent = await make.member(shop, "agent")
    order = await make.order(agent)

    async with db.uow() as writer:
        await writer.orders.get(shop.id, order.number, lock=True)  # holds the write lock
        seen = await asyncio.wait_for(get_order(db.uow(), agent, order.number), timeout=5)
        page = await asyncio.wait_for(list_orders(db.uow(), agent), timeout=5)
    assert seen.number == order.number and len(page.items) == 1
