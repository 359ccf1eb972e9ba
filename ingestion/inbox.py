"""The inbox: every platform event stored once, before the webhook answers, then claimed by a
worker. Each function runs inside the caller's transaction (a UnitOfWork's session).

Row life: pending -> processing (claimed, with a lease) -> done | pending again (retry with
backoff) | dead (after `max_attempts`, the error kept). A row whose lease ran out (its worker
crashed or lost its connection) is claimed again; `finish` only succeeds for the lease holder,
so a row's effects are committed exactly once.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from ingestion.models import InboxMessage
from orders.db import new_id, utcnow

PENDING, PROCESSING, DONE, DEAD = "pending", "processing", "done", "dead"


@dataclass(frozen=True)
class IncomingMessage:
    """What an adapter hands in: the platform's event id and the normalized message."""

    shop_id: uuid.UUID
    channel: str
    external_id: str
    kind: str
    message: dict[str, Any]


def storable(value: Any) -> Any:
    """The message with NUL characters removed from every string: they are valid JSON but
    PostgreSQL's jsonb refuses them, and a message that can never be stored would be answered
    503 on every redelivery, for days."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [storable(v) for v in value]
    return value


def _insert(session: AsyncSession):
    return pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert


async def store(session: AsyncSession, incoming: list[IncomingMessage]) -> list[bool]:
    """Insert the events in one statement, skipping each (shop, channel, external id) already
    there (`INSERT ... ON CONFLICT DO NOTHING RETURNING` the keys it did insert).

    Returns, per event, True when it is new and False for a redelivery (an event given twice
    in one call is new once: its first occurrence). Rows become durable when the caller
    commits; several requests may share one commit (group commit).
    """
    if not incoming:
        return []
    now = utcnow()
    table = InboxMessage.__table__
    rows = [{"shop_id": item.shop_id, "id": new_id(), "channel": item.channel,
             "external_id": str(item.external_id), "kind": item.kind,
             "message": storable(item.message), "status": PENDING, "attempts": 0,
             "next_attempt_at": now, "received_at": now} for item in incoming]
    # One statement, executed for many parameter sets: SQLAlchemy's "insertmanyvalues" sends it
    # as multi-row INSERTs, and the statement is compiled once, not once per row count.
    stmt = (_insert(session)(table)
            .on_conflict_do_nothing(index_elements=["shop_id", "channel", "external_id"])
            .returning(table.c.shop_id, table.c.channel, table.c.external_id))
    connection = await session.connection()
    inserted = {tuple(row) for row in await connection.execute(stmt, rows)}
    fresh: list[bool] = []
    for row in rows:
        key = (row["shop_id"], row["channel"], row["external_id"])
        fresh.append(key in inserted)
        inserted.discard(key)  # a second occurrence in this call is a redelivery
    return fresh


async def claim(session: AsyncSession, worker: str, *, limit: int, lease: timedelta,
                now: datetime | None = None) -> list[InboxMessage]:
    """Take up to `limit` due rows (new, retrying, or abandoned by a dead worker) for `worker`.

    PostgreSQL: `FOR UPDATE SKIP LOCKED`, so concurrent workers never take the same row.
    SQLite: the write transaction (BEGIN IMMEDIATE) already serializes claimers.
    """
    now = now or utcnow()
    # Button taps first (a seller or customer waits on the spinner; Telegram gives up on an
    # answer after a few seconds), through their own partial index; then the rest, oldest first.
    taps = (select(InboxMessage.shop_id, InboxMessage.id)
            .where(InboxMessage.kind == "callback", InboxMessage.status == PENDING,
                   InboxMessage.next_attempt_at <= now)
            .order_by(InboxMessage.next_attempt_at).limit(limit))
    rows = await _take(session, taps, worker, lease, now)
    if rows:
        return rows
    due = or_(and_(InboxMessage.status == PENDING, InboxMessage.next_attempt_at <= now),
              and_(InboxMessage.status == PROCESSING, InboxMessage.lease_until < now))
    pick = (select(InboxMessage.shop_id, InboxMessage.id).where(due)
            .order_by(InboxMessage.received_at).limit(limit))
    return await _take(session, pick, worker, lease, now)


async def _take(session: AsyncSession, pick, worker: str, lease: timedelta,
                now: datetime) -> list[InboxMessage]:
    if session.bind.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (update(InboxMessage)
            .where(tuple_(InboxMessage.shop_id, InboxMessage.id).in_(pick))
            .values(status=PROCESSING, attempts=InboxMessage.attempts + 1,
                    lease_until=now + lease, locked_by=worker)
            .returning(InboxMessage)
            .execution_options(synchronize_session=False))
    rows = list((await session.scalars(stmt)).all())
    return sorted(rows, key=lambda r: r.received_at)


async def finish(session: AsyncSession, row: InboxMessage, worker: str,
                 result: dict[str, Any] | None) -> bool:
    """Mark the row done, in the transaction that holds its effects. False if the lease was
    lost (another worker owns the row now): the caller must roll back its effects."""
    stmt = (update(InboxMessage)
            .where(InboxMessage.shop_id == row.shop_id, InboxMessage.id == row.id,
                   InboxMessage.status == PROCESSING, InboxMessage.locked_by == worker)
            .values(status=DONE, processed_at=utcnow(), result=result, lease_until=None,
                    last_error=None)
            .execution_options(synchronize_session=False))
    return (await session.execute(stmt)).rowcount == 1


async def finish_result(session: AsyncSession, row: InboxMessage, result: dict[str, Any]) -> None:
    """Store what processing did on a row this transaction already finished."""
    await session.execute(update(InboxMessage)
                          .where(InboxMessage.shop_id == row.shop_id, InboxMessage.id == row.id)
                          .values(result=result).execution_options(synchronize_session=False))


def backoff(attempt: int, *, base: float = 2.0, cap: float = 600.0) -> timedelta:
    """Exponential backoff with full jitter: attempt 1 waits up to 2 s, then 4 s, 8 s, ..."""
    return timedelta(seconds=random.uniform(0, min(cap, base ** attempt)))


async def fail(session: AsyncSession, row: InboxMessage, worker: str, error: str, *,
               max_attempts: int, now: datetime | None = None) -> str:
    """Record a failed attempt: retry later with backoff, or dead after `max_attempts`."""
    now = now or utcnow()
    dead = row.attempts >= max_attempts
    values: dict[str, Any] = {"status": DEAD if dead else PENDING, "last_error": error[:4000],
                              "lease_until": None, "locked_by": None}
    if not dead:
        values["next_attempt_at"] = now + backoff(row.attempts)
    await session.execute(
        update(InboxMessage)
        .where(InboxMessage.shop_id == row.shop_id, InboxMessage.id == row.id,
               InboxMessage.status == PROCESSING, InboxMessage.locked_by == worker)
        .values(**values).execution_options(synchronize_session=False))
    return values["status"]


async def counts(session: AsyncSession) -> dict[str, int]:
    """Rows per status (for readiness, metrics and tests)."""
    rows = await session.execute(
        select(InboxMessage.status, func.count()).group_by(InboxMessage.status))
    return {status: n for status, n in rows}
