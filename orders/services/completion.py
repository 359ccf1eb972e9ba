"""Completion (seed 000): the customer confirms receipt of a delivered order, or the shop's
`auto_complete_days` (default 7) pass. Completing issues the invoice and starts the warranties
(orders.services.lifecycle, on arrival at completed)."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from orders.domain.actors import Actor
from orders.domain.status import OrderStatus
from orders.errors import RuleViolation
from orders.models import Order
from orders.services.customers import customer_order
from orders.services.lifecycle import move_order
from orders.uow import UnitOfWork


async def confirm_received(uow: UnitOfWork, shop_id: uuid.UUID, customer_id: uuid.UUID,
                           number: str) -> Order:
    """The customer taps "Received it": delivered -> completed. A second tap changes nothing."""
    async with uow:
        order = await customer_order(uow, shop_id, customer_id, number)
        if order.status == OrderStatus.COMPLETED:
            return order
        if order.status != OrderStatus.DELIVERED:
            raise RuleViolation("confirm_received", f"Order {number} is {order.status}; receipt "
                                                    "is confirmed once it is delivered.")
        await move_order(uow, Actor.customer(shop_id), order, OrderStatus.COMPLETED,
                         "customer confirmed receipt")
        await uow.commit()
    return order


async def complete_overdue(uow: UnitOfWork, now: datetime, *, limit: int = 100) -> int:
    """Complete delivered orders whose shop's days have passed; returns how many.

    One transaction; rows another sweep holds are skipped (SKIP LOCKED on PostgreSQL).
    """
    async with uow:
        orders = list(await uow.session.scalars(
            select(Order).where(Order.status == OrderStatus.DELIVERED,
                                Order.auto_complete_at <= now, Order.deleted_at.is_(None))
            .order_by(Order.auto_complete_at).limit(limit)
            .with_for_update(of=Order, skip_locked=True)
            .execution_options(populate_existing=True)))
        for order in orders:
            await move_order(uow, Actor.system(order.shop_id), order, OrderStatus.COMPLETED,
                             "completed automatically: the shop's days after delivery passed",
                             now=now)
        await uow.commit()
    return len(orders)
