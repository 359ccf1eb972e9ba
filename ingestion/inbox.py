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

import orjson
from sqlalchemy import and_, func, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

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


def _insert(dialect: str):
    return pg_insert if dialect == "postgresql" else sqlite_insert


# PostgreSQL: the whole batch as one prepared statement with one array per column (unnest), so
# its text and plan do not depend on how many rows a request or a group-commit round brings;
# the row ids are random UUIDs as new_id() makes them, drawn by PostgreSQL (13+).
_PG_STORE = """
INSERT INTO inbox (shop_id, id, channel, external_id, kind, message, status, attempts,
                   next_attempt_at, received_at)
SELECT shop_id, gen_random_uuid(), channel, external_id, kind, message::jsonb, 'pending', 0,
       $6, $6
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
     AS t(shop_id, channel, external_id, kind, message)
ON CONFLICT (shop_id, channel, external_id) DO NOTHING
RETURNING shop_id, channel, external_id"""


async def store(session: AsyncSession | AsyncConnection,
                incoming: list[IncomingMessage]) -> list[bool]:
    """Insert the events in one statement, skipping each (shop, channel, external id) already
    there (`INSERT ... ON CONFLICT DO NOTHING RETURNING` the keys it did insert).

    Returns, per event, True when it is new and False for a redelivery (an event given twice
    in one call is new once: its first occurrence). Rows become durable when the caller
    commits (or at once, on a connection in autocommit); several requests may share one
    commit (group commit).
    """
    if not incoming:
        return []
    connection = await session.connection() if isinstance(session, AsyncSession) else session
    now = utcnow()
    keys = [(item.shop_id, item.channel, str(item.external_id)) for item in incoming]
    if connection.dialect.name == "postgresql":
        result = await connection.exec_driver_sql(_PG_STORE, (
            [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys],
            [item.kind for item in incoming],
            [json_text(item.message) for item in incoming], now))
    else:
        table = InboxMessage.__table__
        rows = [{"shop_id": shop_id, "id": new_id(), "channel": channel,
                 "external_id": external_id, "kind": item.kind,
                 "message": storable(item.message), "status": PENDING, "attempts": 0,
                 "next_attempt_at": now, "received_at": now}
                for (shop_id, channel, external_id), item in zip(keys, incoming)]
        # One statement for many parameter sets: SQLAlchemy's "insertmanyvalues" sends it as
        # multi-row INSERTs, compiled once, not once per row count.
        stmt = (_insert(connection.dialect.name)(table)
                .on_conflict_do_nothing(index_elements=["shop_id", "channel", "external_id"])
                .returning(table.c.shop_id, table.c.channel, table.c.external_id))
        result = await connection.execute(stmt, rows)
    inserted = {tuple(row) for row in result}
    fresh: list[bool] = []
    for key in keys:
        fresh.append(key in inserted)
        inserted.discard(key)  # a second occurrence in this call is a redelivery
    return fresh


def json_text(message: dict[str, Any]) -> str:
    """The message as JSON text for a jsonb column (orjson: several times faster than the
    standard library's encoder); NUL characters are removed (see `storable`) only when the text
    shows one could be there, so the usual message is encoded once and not walked."""
    text = orjson.dumps(message, option=orjson.OPT_NON_STR_KEYS).decode()
    if "\\u0000" in text:
        text = orjson.dumps(storable(message), option=orjson.OPT_NON_STR_KEYS).decode()
    return text


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
