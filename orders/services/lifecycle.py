"""Moving an order along its status axis: transitions, cancellation (stock back), soft delete.

Arriving at some statuses does more than change the status (`_arrive`): a converted quote takes
its stock, a cancel gives it back, delivery starts the auto-completion clock, completion issues
the invoice and starts the warranties.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from orders.db import new_id, utcnow
from orders.domain import financial, guards, production
from orders.domain import status as order_status
from orders.domain.actors import Actor
from orders.domain.roles import Permission
from orders.domain.status import OrderStatus
from orders.errors import RuleViolation
from orders.models import Order, Restock, Shop
from orders.services.access import order_for_change
from orders.services.creation import reserve_order_stock
from orders.services.invoices import issue_invoice_in
from orders.services.recording import notify, record, touch
from orders.services.warranties import start_warranties
from orders.uow import UnitOfWork

DEFAULT_AUTO_COMPLETE_DAYS = 7


async def transition_order(uow: UnitOfWork, actor: Actor, number: str, to: str, *,
                           expected_version: int | None = None, note: str | None = None) -> Order:
    """A seller moves the order's status to `to` if the table and the guards allow it
    (claimed and completed are the customer's moves, refused here)."""
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.MOVE_ORDER, expected_version)
        order_status.seller_transition(order.status, to)
        await move_order(uow, actor, order, to, note)
        await uow.commit()
    return order


async def move_order(uow: UnitOfWork, actor: Actor, order: Order, to: str,
                     note: str | None = None, *, now: datetime | None = None) -> None:
    """The move itself, inside an open unit of work on a locked order (no commit)."""
    target = order_status.transition(order.status, to)
    shop = await uow.shops.get(order.shop_id)
    paid, refunded = financial.totals((p.kind, p.amount) for p in order.payments)
    settings = shop.settings or {}
    guards.ensure_move_allowed(
        order.number, target, order.invoice_url or order.invoice_number, order.label_url,
        paid - refunded, order.fulfillment_status,
        unticked=production.unticked(production.checklist_of(settings), order.checklist or {}),
        stage_missing=production.stage_missing(production.stages_of(settings), order.stage))
    previous = order.status
    await _arrive(uow, actor, shop, order, previous, target, now or utcnow())
    order.status = target
    touch(order)
    record(uow, order, actor, "status", previous, target, note)
    facts = {"carrier": order.carrier, "tracking_number": order.tracking_number,
             "tracking_url": order.tracking_url} if target is OrderStatus.SHIPPED else {}
    notify(uow, order, f"status.{target}", previous_status=previous, **facts)


async def _arrive(uow: UnitOfWork, actor: Actor, shop: Shop, order: Order, previous: str,
                  target: OrderStatus, now: datetime) -> None:
    if order_status.reserves_stock(previous, target):
        await reserve_order_stock(uow, order)
    if previous == OrderStatus.QUOTE:
        order.claim_code = None  # a code only ever claims an open quote
    if target is OrderStatus.CANCELLED:
        await restore_stock(uow, order)
    elif target is OrderStatus.DELIVERED:
        days = (shop.settings or {}).get("auto_complete_days", DEFAULT_AUTO_COMPLETE_DAYS)
        order.auto_complete_at = now + timedelta(days=float(days)) if days else None
    elif target is OrderStatus.COMPLETED:
        order.completed_at, order.auto_complete_at = now, None
        await issue_invoice_in(uow, actor, shop, order, now)
        start_warranties(uow, order, now)


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
