"""A member of shop A can neither read nor change shop B's orders; a viewer changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from orders.errors import OrderNotFound, PermissionDenied
from orders.models import OrderHistory
from orders.services.creation import LineRequest
from orders.services.editing import (add_note, assign_members, attach_documents, replace_lines,
                                     tag_order, update_order)
from orders.services.fulfillments import fulfill_order
from orders.services.lifecycle import cancel_order, delete_order, transition_order
from orders.services.payments import record_payment, refund_order
from orders.services.queries import get_order, list_orders, order_history
from orders.services.shops import add_member, authenticate


def _changes(number):
    return {
        "transition": lambda u, a: transition_order(u, a, number, "confirmed"),
        "cancel": lambda u, a: cancel_order(u, a, number),
        "delete": lambda u, a: delete_order(u, a, number),
        "edit lines": lambda u, a: replace_lines(u, a, number, [LineRequest("PIZZA", 2)]),
        "edit contact": lambda u, a: update_order(u, a, number, address="x"),
        "documents": lambda u, a: attach_documents(u, a, number, invoice_url="i"),
        "tags": lambda u, a: tag_order(u, a, number, add=["x"]),
        "assign": lambda u, a: assign_members(u, a, number, add=[]),
        "note": lambda u, a: add_note(u, a, number, "hi"),
        "payment": lambda u, a: record_payment(u, a, number, "1.00"),
        "refund": lambda u, a: refund_order(u, a, number, "1.00"),
        "fulfill": lambda u, a: fulfill_order(u, a, number),
    }


async def _history_count(db):
    async with db.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(OrderHistory))


async def test_another_shops_member_can_neither_read_nor_change(db, make):
    shop_a, shop_b = await make.shop("alpha"), await make.shop("beta")
    await make.product(shop_a)
    owner_a = await make.member(shop_a, "admin")
    admin_b = await make.member(shop_b, "admin")
    order = await make.order(owner_a)
    before = await _history_count(db)

    with pytest.raises(OrderNotFound):
        await get_order(db.uow(), admin_b, order.number)
    with pytest.raises(OrderNotFound):
        await order_history(db.uow(), admin_b, order.number)
    assert (await list_orders(db.uow(), admin_b)).items == []
    for name, change in _changes(order.number).items():
        with pytest.raises(OrderNotFound):
            await change(db.uow(), admin_b)
    assert await _history_count(db) == before
    assert (await get_order(db.uow(), owner_a, order.number)).version == 1


async def test_viewer_reads_but_cannot_change_anything(db, make):
    shop = await make.shop()
    await make.product(shop)
    viewer = await make.member(shop, "viewer")
    order = await make.order(await make.member(shop, "admin"))
    before = await _history_count(db)

    assert (await get_order(db.uow(), viewer, order.number)).number == order.number
    assert len((await list_orders(db.uow(), viewer)).items) == 1
    for name, change in _changes(order.number).items():
        with pytest.raises(PermissionDenied, match="A viewer may not"):
            await change(db.uow(), viewer)
    with pytest.raises(PermissionDenied):
        await add_member(db.uow(), shop.slug, "Eve", "admin", actor=viewer)
    assert await _history_count(db) == before


async def test_token_names_its_shop_and_member(db, make):
    shop = await make.shop("luigis")
    agent = await make.member(shop, "agent", name="Dana")
    token = make.last_token

    actor = await authenticate(db.uow(), token)

    assert token.startswith("luigis.")
    assert (actor.shop_id, actor.member_id, actor.role, actor.name) == \
        (shop.id, agent.member_id, "agent", "Dana")
    assert await authenticate(db.uow(), token + "x") is None
    assert await authenticate(db.uow(), "nonsense") is None
