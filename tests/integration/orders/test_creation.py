"""Creating orders: numbers, snapshots, stock reservation, history and outbox."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from orders.errors import OutOfStock, PermissionDenied, ProductNotFound
from orders.models import OrderHistory, OutboxMessage, Product
from orders.services.creation import LineRequest, NewOrder, create_order, create_order_from_draft


async def test_orders_get_consecutive_numbers_per_shop(db, make):
    shop_a, shop_b = await make.shop("a"), await make.shop("b")
    for shop in (shop_a, shop_b):
        await make.product(shop)
    agent_a, agent_b = await make.member(shop_a, "agent"), await make.member(shop_b, "agent")

    numbers = [(await make.order(agent_a)).number for _ in range(3)]
    other = await make.order(agent_b)

    assert numbers == ["ORD-00001", "ORD-00002", "ORD-00003"]
    assert other.number == "ORD-00001"


async def test_direct_order_is_pending_with_snapshots_and_total(db, make):
    shop = await make.shop(currency="EUR")
    await make.product(shop, "PIZZA", "pizza", price="11.00", options=[
        {"group": "size", "choose": "one", "values": [
            {"code": "LARGE", "name": "large", "aliases": [], "price_delta": "3.00"}]}])
    agent = await make.member(shop, "agent")

    order = await create_order(db.uow(), agent, NewOrder(
        lines=[LineRequest("PIZZA", 2, ({"group": "size", "code": "LARGE"},))],
        customer_name="Ann", customer_phone="+14155550123", address="1 Main St",
        form_data={"allergy": "nuts"}, metadata={"src": "test"}))

    assert order.status == "pending" and order.currency == "EUR"
    line = order.lines[0]
    assert (line.name, str(line.unit_price), line.quantity, str(line.line_total)) == \
        ("pizza", "14.00", 2, "28.00")
    assert line.options[0]["code"] == "LARGE"
    assert str(order.total) == "28.00"
    assert order.financial_status == "pending" and order.fulfillment_status == "unfulfilled"
    async with db.uow() as uow:
        hist = (await uow.session.scalars(select(OrderHistory))).all()
        outbox = (await uow.session.scalars(select(OutboxMessage))).all()
    assert [(h.axis, h.from_value, h.to_value) for h in hist] == [("status", None, "pending")]
    assert [m.kind for m in outbox] == ["order.created"]
    assert outbox[0].payload["order_number"] == order.number


async def test_order_reserves_stock_and_refuses_more_than_left(db, make):
    shop = await make.shop()
    product = await make.product(shop, "CAKE", "cake", stock=3)
    agent = await make.member(shop, "agent")

    await make.order(agent, [("CAKE", 1)])
    with pytest.raises(OutOfStock, match="Only 2 left of cake"):
        await make.order(agent, [("CAKE", 3)])

    async with db.uow() as uow:
        assert await uow.session.scalar(select(Product.stock).where(Product.id == product.id)) == 2


async def test_failed_order_leaves_no_trace(db, make):
    shop = await make.shop()
    await make.product(shop, "CAKE", stock=1)
    agent = await make.member(shop, "agent")

    with pytest.raises(ProductNotFound):
        await make.order(agent, [("CAKE", 1), ("NOPE", 1)])

    async with db.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(OrderHistory)) == 0
        assert await uow.session.scalar(select(Product.stock)) == 1
    assert (await make.order(agent, [("CAKE", 1)])).number == "ORD-00001"


async def test_viewer_cannot_create_orders(db, make):
    shop = await make.shop()
    await make.product(shop)
    viewer = await make.member(shop, "viewer")
    with pytest.raises(PermissionDenied, match="viewer may not create orders"):
        await make.order(viewer)


async def test_order_from_draft_commits_with_the_callers_transaction(db, make):
    import uuid
    shop = await make.shop()
    await make.product(shop, stock=5)
    agent = await make.member(shop, "agent")
    draft_id = uuid.uuid4()
    new = NewOrder.from_draft_json({"lines": [{"sku": "PIZZA", "quantity": 2, "options": []}],
                                    "contact": {"name": "Bo", "phone": None, "address": None},
                                    "note": "ring twice"}, channel="telegram", external_id="42")

    uow = db.uow()
    async with uow:
        order = await create_order_from_draft(uow, agent, draft_id, new)
        # no commit: the caller's transaction rolls everything back
    async with db.uow() as check:
        assert await check.orders.by_draft(shop.id, draft_id) is None
        assert await check.session.scalar(select(Product.stock)) == 5

    async with uow:
        order = await create_order_from_draft(uow, agent, draft_id, new)
        await uow.commit()
    assert order.status == "new" and order.draft_id == draft_id and order.customer_id is not None
    async with db.uow() as check:
        assert (await check.orders.by_draft(shop.id, draft_id)).number == "ORD-00001"
        assert await check.session.scalar(select(Product.stock)) == 3
