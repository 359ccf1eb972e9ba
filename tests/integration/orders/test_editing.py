"""Edits: lines (stock follows), contact only before packing, details, tags, assignees, notes."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from orders.errors import MemberNotFound, OutOfStock, RuleViolation
from orders.models import Product
from orders.services.creation import LineRequest
from orders.services.editing import (add_note, assign_members, attach_documents, replace_lines,
                                     tag_order, update_order)
from orders.services.lifecycle import transition_order
from orders.services.payments import record_payment
from orders.services.queries import order_history


async def _stocks(db):
    async with db.uow() as uow:
        return {p.sku: p.stock for p in await uow.session.scalars(select(Product))}


async def test_replacing_lines_moves_stock_and_total(db, make):
    shop = await make.shop()
    await make.product(shop, "PIZZA", price="10.00", stock=5)
    await make.product(shop, "COLA", price="2.00", stock=5)
    manager = await make.member(shop, "manager")
    order = await make.order(manager, [("PIZZA", 2)])
    await record_payment(db.uow(), manager, order.number, "20.00")

    order = await replace_lines(db.uow(), manager, order.number,
                                [LineRequest("PIZZA", 1), LineRequest("COLA", 3)])

    assert [(l.sku, l.quantity) for l in order.lines] == [("PIZZA", 1), ("COLA", 3)]
    assert str(order.total) == "16.00" and order.financial_status == "paid"
    assert await _stocks(db) == {"PIZZA": 4, "COLA": 2}
    with pytest.raises(OutOfStock, match="Only 2 left of cola"):
        await replace_lines(db.uow(), manager, order.number, [LineRequest("COLA", 6)])
    assert await _stocks(db) == {"PIZZA": 4, "COLA": 2}
    order = await replace_lines(db.uow(), manager, order.number, [LineRequest("PIZZA", 3)])
    assert order.financial_status == "partially_paid"  # the total grew past what was paid


async def test_contact_cannot_change_after_packing_but_details_can(db, make):
    shop = await make.shop()
    await make.product(shop)
    manager = await make.member(shop, "manager")
    order = await make.order(manager, customer_name="Ann")
    order = await update_order(db.uow(), manager, order.number, address="2 Side St",
                               customer_phone="+15550001")
    assert order.customer_contact["address"] == "2 Side St"
    await transition_order(db.uow(), manager, order.number, "confirmed")
    await attach_documents(db.uow(), manager, order.number, invoice_url="i", label_url="l")
    await transition_order(db.uow(), manager, order.number, "packed")

    with pytest.raises(RuleViolation, match="edits are allowed only before packing"):
        await update_order(db.uow(), manager, order.number, address="3 Late St")
    with pytest.raises(RuleViolation, match="edits are allowed only before packing"):
        await replace_lines(db.uow(), manager, order.number, [LineRequest("PIZZA", 2)])
    due = datetime(2030, 1, 2, 15, 0, tzinfo=UTC)
    order = await update_order(db.uow(), manager, order.number, note="fragile", date_due=due,
                               metadata={"crm": 7}, form_data={"gift": True})
    assert (order.note, order.date_due, order.metadata_, order.form_data) == \
        ("fragile", due, {"crm": 7}, {"gift": True})
    edits = [h.note for h in await order_history(db.uow(), manager, order.number) if h.axis == "edit"]
    assert edits == ["customer_phone", "address", "note", "date_due", "form_data", "metadata"]


async def test_tags_assignees_and_notes_are_recorded(db, make):
    shop, other = await make.shop(), await make.shop()
    await make.product(shop)
    manager = await make.member(shop, "manager")
    helper = await make.member(shop, "agent")
    stranger = await make.member(other, "agent")
    order = await make.order(manager, tags=["vip"])

    order = await tag_order(db.uow(), manager, order.number, add=["gift", "vip"], remove=["x"])
    order = await tag_order(db.uow(), manager, order.number, remove=["vip"])
    order = await assign_members(db.uow(), manager, order.number, add=[helper.member_id])
    with pytest.raises(MemberNotFound):
        await assign_members(db.uow(), manager, order.number, add=[stranger.member_id])
    await add_note(db.uow(), helper, order.number, "Customer accepted the quote by phone")

    assert order.tag_names == ["gift"] and order.member_ids == [helper.member_id]
    rows = await order_history(db.uow(), manager, order.number)
    assert [r.axis for r in rows] == ["status", "tags", "tags", "assignees", "note"]
    note = rows[-1]
    assert (note.from_value, note.to_value, note.actor_id) == ("pending", "pending", helper.member_id)
