"""The outbox's bookkeeping for a dispatcher (the sending itself lives in `bot/`).

    async with uow:                                   # 1. take a batch under a lease
        batch = await claim_due(uow, limit=20)
        await uow.commit()
    for message in batch:                             # 2. send, outside any transaction
        ok, error, retry_in = await send(message)
        async with uow:                               # 3. record the outcome
            if ok:
                await mark_sent(uow, message)
            else:
                await mark_failed(uow, message, error, retry_in=retry_in)
            await uow.commit()

Delivery is at least once: a dispatcher that dies mid-send leaves its lease to expire and the row
is claimed again; receivers may use `idempotency_key`. Parallel dispatchers skip each other's
rows (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite has a single writer anyway).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from orders.db import utcnow
from orders.models import OutboxMessage
from orders.uow import UnitOfWork

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=5)
LAST_RETRY = timedelta(hours=1)


async def claim_due(uow: UnitOfWork, *, limit: int = 20, lease: timedelta = LEASE,
                    now: datetime | None = None) -> list[OutboxMessage]:
    """Pending messages whose time has come, leased to this caller (inside its unit of work)."""
    now = now or utcnow()
    rows = list(await uow.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.created_at)
        .limit(limit).with_for_update(skip_locked=True)))
    for message in rows:
        message.attempts += 1
        message.next_attempt_at = now + lease
    await uow.flush()
    return rows


async def _mine(uow: UnitOfWork, message: OutboxMessage) -> OutboxMessage:
    return await uow.session.get(OutboxMessage, (message.shop_id, message.id), with_for_update=True,
                                 populate_existing=True)


async def mark_sent(uow: UnitOfWork, message: OutboxMessage, *, now: datetime | None = None) -> None:
    row = await _mine(uow, message)
    row.status, row.sent_at, row.last_error = "sent", now or utcnow(), None


async def mark_failed(uow: UnitOfWork, message: OutboxMessage, error: str, *,
                      retry_in: timedelta | None = None, max_attempts: int = MAX_ATTEMPTS,
                      now: datetime | None = None) -> OutboxMessage:
    """Retry later (the platform's `retry_after` if given, else exponential backoff) or, after
    `max_attempts`, give up: status `dead`, kept for a person to look at."""
    row = await _mine(uow, message)
    row.last_error = error[:2000]
    if row.attempts >= max_attempts:
        row.status = "dead"
        return row
    backoff = min(FIRST_RETRY * 2 ** max(row.attempts - 1, 0), LAST_RETRY)
    row.next_attempt_at = (now or utcnow()) + (retry_in if retry_in is not None else backoff)
    return row
