"""Status moves, guards, cancellation with stock back, soft delete, history for each change."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from orders.errors import InvalidTransition, OrderNotFound, RuleViolation, StaleVersion
from orders.models import Product
from orders.services.editing import attach_documents
from orders.services.lifecycle import cancel_order, delete_order, transition_order
from orders.services.queries import get_order, list_orders, order_history


async def _stock(db):
    async with db.uow() as uow:
        return await uow.session.scalar(select(Product.stock))


async def test_order_goes_the_whole_way_and_every_step_is_in_history(db, make):
    shop = await make.shop()
    await make.product(shop)
    agent = await make.member(shop, "agent")
    order = await make.order(agent)

    for target in ("confirmed",):
        order = await transition_order(db.uow(), agent, order.number, target, note="ok")
    order = await attach_documents(db.uow(), agent, order.number, invoice_url="https://inv/1",
                                   label_url="https://lbl/1")
    for target in ("packed", "shipped", "delivered"):
        order = await transition_order(db.uow(), agent, order.number, target,
                                       expected_version=order.version)

    assert order.status == "delivered"
    moves = [(h.axis, h.from_value, h.to_value) for h in
             await order_history(db.uow(), agent, order.number) if h.axis == "status"]
    assert moves == [("status", None, "pending"), ("status", "pending", "confirmed"),
                     ("status", "confirmed", "packed"), ("status", "packed", "shipped"),
                     ("status", "shipped", "delivered")]
    async with db.uow() as uow:
        kinds = [(m.kind, m.payload["status"]) for m in await uow.outbox.pending(shop.id)]
    assert ("order.status_changed", "shipped") in kinds and ("order.status_changed", "delivered") in kinds
    assert ("order.status_changed", "packed") not in kinds  # packing is the shop's business


async def test_packing_without_documents_is_refused_with_the_rule(db, make):
    shop = await make.shop()
    await make.product(shop)
    agent = await make.member(shop, "agent")
    order = await make.order(agent)
    await transition_order(db.uow(), agent, order.number, "confirmed")

    with pytest.raises(RuleViolation, match="cannot be packed without invoice URL and shipping-label URL"):
        await transition_order(db.uow(), agent, order.number, "packed")


async def test_forbidden_move_is_refused_and_leaves_no_history(db, make):
    shop = await make.shop()
    await make.product(shop)
    agent = await make.member(shop, "agent")
    order = await make.order(agent)

    with pytest.raises(InvalidTransition, match="only a packed order can become shipped"):
        await transition_order(db.uow(), agent, order.number, "shipped")

    assert len(await order_history(db.uow(), agent, order.number)) == 1
    assert (await get_order(db.uow(), agent, order.number)).version == 1


async def test_stale_version_is_refused_with_both_versions(db, make):
    shop = await make.shop()
    await make.product(shop)
    agent = await make.member(shop, "agent")
    order = await make.order(agent)
    await transition_order(db.uow(), agent, order.number, "confirmed", expected_version=1)

    with pytest.raises(StaleVersion, match="you had version 1, it is now 2"):
        await transition_order(db.uow(), agent, order.number, "cancelled", expected_version=1)


async def test_cancel_gives_stock_back_once(db, make):
    shop = await make.shop()
    await make.product(shop, stock=10)
    agent = await make.member(shop, "agent")
    order = await make.order(agent, [("PIZZA", 3)])
    assert await _stock(db) == 7

    order = await cancel_order(db.uow(), agent, order.number, note="customer changed mind")
    assert order.status == "cancelled" and await _stock(db) == 10
    with pytest.raises(InvalidTransition, match="the order is already cancelled"):
        await cancel_order(db.uow(), agent, order.number)
    assert await _stock(db) == 10


async def test_shipped_order_cannot_be_cancelled(db, make):
    shop = await make.shop()
    await make.product(shop, stock=5)
    agent = await make.member(shop, "agent")
    order = await make.order(agent)
    await transition_order(db.uow(), agent, order.number, "confirmed")
    await attach_documents(db.uow(), agent, order.number, invoice_url="i", label_url="l")
    await transition_order(db.uow(), agent, order.number, "packed")
    await transition_order(db.uow(), agent, order.number, "shipped")

    with pytest.raises(InvalidTransition, match="only be cancelled before it ships"):
        await cancel_order(db.uow(), agent, order.number)
    assert await _stock(db) == 4


async def test_deleting_an_active_order_cancels_it_first(db, make):
    shop = await make.shop()
    await make.product(shop, stock=5)
    manager = await make.member(shop, "manager")
    order = await make.order(manager, [("PIZZA", 2)])

    deleted = await delete_order(db.uow(), manager, order.number)

    assert deleted.status == "cancelled" and deleted.deleted_at is not None
    assert await _stock(db) == 5
    with pytest.raises(OrderNotFound):
        await get_order(db.uow(), manager, order.number)
    assert (await list_orders(db.uow(), manager)).items == []
    axes = [h.axis for h in await order_history(db.uow(), manager, order.number)]
    assert axes == ["status", "status", "deleted"]
