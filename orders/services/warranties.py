"""Warranties (seed 002): each line with warranty months starts its warranty when the order is
completed; one reminder goes to the customer 30 days before the end, never twice."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from orders.db import new_id
from orders.domain import warranty
from orders.models import Order, Warranty
from orders.services.recording import notify
from orders.uow import UnitOfWork


def start_warranties(uow: UnitOfWork, order: Order, now: datetime) -> list[Warranty]:
    """Inside the completing transaction: one warranty row per line that carries one."""
    started = []
    for line in order.lines:
        if not line.warranty_months:
            continue
        starts, ends, remind = warranty.period(now, line.warranty_months)
        row = Warranty(id=new_id(), shop_id=order.shop_id, order_id=order.id,
                       order_line_id=line.id, sku=line.sku, name=line.name,
                       months=line.warranty_months, starts_at=starts, ends_at=ends,
                       remind_at=remind)
        uow.session.add(row)
        started.append(row)
    return started


async def warranty_reminders(uow: UnitOfWork, now: datetime, *, limit: int = 200) -> int:
    """Queue the reminders that are due (and whose warranty has not ended); returns how many.

    Runs in its own transaction. `reminded_at` is set with the outbox row, and rows another
    sweep holds are skipped (SKIP LOCKED), so no warranty is ever reminded twice.
    """
    async with uow:
        rows = list(await uow.session.scalars(
            select(Warranty).where(Warranty.remind_at <= now, Warranty.reminded_at.is_(None),
                                   Warranty.ends_at > now)
            .order_by(Warranty.remind_at).limit(limit).with_for_update(skip_locked=True)))
        for row in rows:
            row.reminded_at = now
            order = await uow.session.get(Order, (row.shop_id, row.order_id))
            if order.deleted_at is not None:
                continue  # a deleted order tells nobody; marked so it is not looked at again
            notify(uow, order, "warranty.expiring", key=f"warranty:{row.id}:expiring",
                   sku=row.sku, name=row.name, warranty_id=str(row.id),
                   ends_at=row.ends_at.isoformat())
        await uow.commit()
    return len(rows)


async def warranties_of(uow: UnitOfWork, shop_id: uuid.UUID,
                        order_id: uuid.UUID) -> list[Warranty]:
    """An order's warranties (start, end, reminded), for showing them to seller or customer."""
    async with uow.reading():
        return list(await uow.session.scalars(select(Warranty).where(
            Warranty.shop_id == shop_id, Warranty.order_id == order_id).order_by(Warranty.sku)))
