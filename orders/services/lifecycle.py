"""Moving an order along its status axis: transitions, cancellation (stock back), soft delete."""
from __future__ import annotations

from orders.db import new_id, utcnow
from orders.domain import financial, guards
from orders.domain import status as order_status
from orders.domain.actors import Actor
from orders.domain.roles import Permission
from orders.domain.status import OrderStatus
from orders.errors import RuleViolation
from orders.models import Order, Restock
from orders.services.access import order_for_change
from orders.services.recording import notify_customer, record, touch
from orders.uow import UnitOfWork

# Status moves the customer hears about.
CUSTOMER_VISIBLE = frozenset({OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.DELIVERED,
                              OrderStatus.CANCELLED, OrderStatus.REFUNDED})


async def transition_order(uow: UnitOfWork, actor: Actor, number: str, to: str, *,
                           expected_version: int | None = None, note: str | None = None) -> Order:
    """Move the order's status to `to` if the table and the guards allow it."""
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.MOVE_ORDER, expected_version)
        await move_order(uow, actor, order, to, note)
        await uow.commit()
    return order


async def move_order(uow: UnitOfWork, actor: Actor, order: Order, to: str,
                     note: str | None = None) -> None:
    """The move itself, inside an open unit of work on a locked order (no commit)."""
    target = order_status.transition(order.status, to)
    paid, refunded = financial.totals((p.kind, p.amount) for p in order.payments)
    guards.ensure_move_allowed(order.number, target, order.invoice_url, order.label_url,
                               paid - refunded, order.fulfillment_status)
    if target is OrderStatus.CANCELLED:
        await restore_stock(uow, order)
    previous, order.status = order.status, target
    touch(order)
    record(uow, order, actor, "status", previous, target, note)
    if target in CUSTOMER_VISIBLE:
        notify_customer(uow, order, "order.status_changed", previous_status=previous)


async def cancel_order(uow: UnitOfWork, actor: Actor, number: str, *,
                       expected_version: int | None = None, note: str | None = None) -> Order:
    """Cancel before shipping; every reserved unit not yet restocked goes back, exactly once."""
    return await transition_order(uow, actor, number, OrderStatus.CANCELLED,
                                  expected_version=expected_version, note=note)


async def restore_stock(uow: UnitOfWork, order: Order) -> None:
    """Give back what each line still holds; restock rows make a second restore find nothing."""
    given_back = restocked_by_line(order)
    for line in sorted(order.lines, key=lambda l: (l.product_id is None, l.product_id or l.id)):
        left = guards.restockable(line.reserved, given_back.get(line.id, 0))
        if left and line.product_id is not None:
            await uow.products.restore(order.shop_id, line.product_id, left)
            order.restocks.append(Restock(id=new_id(), shop_id=order.shop_id, order_id=order.id,
                                          order_line_id=line.id, quantity=left, reason="cancel"))


def restocked_by_line(order: Order) -> dict:
    done: dict = {}
    for row in order.restocks:
        done[row.order_line_id] = done.get(row.order_line_id, 0) + row.quantity
    return done


async def delete_order(uow: UnitOfWork, actor: Actor, number: str, *,
                       expected_version: int | None = None, note: str | None = None) -> Order:
    """Soft delete: the order disappears from lists; an active one is cancelled first."""
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.DELETE_ORDER, expected_version)
        if order.status == OrderStatus.SHIPPED:
            raise RuleViolation("delete_shipped", f"Order {number} is on its way; it can be "
                                                  "deleted once delivered.")
        if order_status.can_cancel(order.status):
            await move_order(uow, actor, order, OrderStatus.CANCELLED, note or "Cancelled by deletion")
        order.deleted_at = utcnow()
        touch(order)
        record(uow, order, actor, "deleted", None, order.deleted_at.isoformat(), note)
        await uow.commit()
    return order
