"""Every change leaves an append-only history row (axis, from, to, note, actor) in its transaction,
and customer-visible changes an outbox row."""
from __future__ import annotations

from orders.domain.actors import Actor
from orders.services import (add_note, assign_members, attach_documents,
                             fulfill_order, order_history, record_payment, refund_order,
                             replace_lines, tag_order, transition_order, update_order)
from orders.services.creation import LineRequest


async def test_each_change_writes_its_history_row_with_actor(db, make):
    shop = await make.shop()
    await make.product(shop, stock=10)
    admin = await make.member(shop, "admin")
    order = await make.order(admin, [("PIZZA", 2)])
    n = order.number

    await update_order(db.uow(), admin, n, address="1 Main St")
    order = await replace_lines(db.uow(), admin, n, [LineRequest("PIZZA", 3)])  # new line ids
    await tag_order(db.uow(), admin, n, add=["vip"])
    await assign_members(db.uow(), admin, n, add=[admin.member_id])
    await add_note(db.uow(), admin, n, "called the customer")
    await transition_order(db.uow(), admin, n, "confirmed")
    await record_payment(db.uow(), admin, n, "33.00")
    await attach_documents(db.uow(), admin, n, invoice_url="https://i", label_url="https://l")
    await fulfill_order(db.uow(), admin, n)
    await transition_order(db.uow(), Actor.system(shop.id), n, "packed", note="packed by robot")
    await transition_order(db.uow(), admin, n, "shipped")
    await transition_order(db.uow(), admin, n, "delivered")
    # refunds wait for delivery (or a cancellation): seed 000
    await refund_order(db.uow(), admin, n, "11.00", restock={order.lines[0].id: 1})

    rows = await order_history(db.uow(), admin, n)
    assert [(r.axis, r.from_value, r.to_value) for r in rows] == [
        ("status", None, "pending"),
        ("edit", None, "1 Main St"),
        ("lines", "2 x PIZZA = 22.00", "3 x PIZZA = 33.00"),
        ("tags", "", "vip"),
        ("assignees", "", str(admin.member_id)),
        ("note", "pending", "pending"),
        ("status", "pending", "confirmed"),
        ("payment", None, "33.00 USD"),
        ("financial", "pending", "paid"),
        ("document", None, "https://i"),
        ("document", None, "https://l"),
        ("shipment", None, "recorded"),
        ("fulfillment", "unfulfilled", "fulfilled"),
        ("status", "confirmed", "packed"),
        ("status", "packed", "shipped"),
        ("status", "shipped", "delivered"),
        ("refund", None, "11.00 USD"),
        ("financial", "paid", "partially_refunded"),
    ]
    packed = rows[-5]
    assert {r.actor_id for r in rows if r is not packed} == {admin.member_id}
    assert (packed.actor_id, packed.note) == (None, "packed by robot")  # the system did it
    assert rows[-2].note == "restocked 1 x PIZZA"

    async with db.uow() as uow:
        kinds = [m.kind for m in await uow.outbox.pending(shop.id)]
    assert kinds == ["order.created", "order.updated", "order.updated", "order.status_changed",
                     "order.payment_received", "order.fulfillment_created",
                     "order.status_changed", "order.status_changed", "order.refunded",
                     ]  # packing is the shop's own business: no customer notice
