"""GET /healthz (the process answers) and GET /readyz (this process can do its job).

Ready means: the database answers, it is migrated to the newest Alembic revision, and the
outbox is not stuck (its oldest due row has waited less than READY_MAX_OUTBOX_LAG_SECONDS).
A 503 names every check that failed, so a load balancer log says why.
"""
from __future__ import annotations

import asyncio
from datetime import datetime
from functools import lru_cache

from aiohttp import web
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ops.settings import OPS_SETTINGS
from bot.webhooks.keys import SESSIONS
from orders.db import utcnow
from orders.migrate import alembic_config
from orders.models import OutboxMessage


async def healthz(request: web.Request) -> web.Response:
    """The process is up and its event loop answers."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """200 when every check passes, else 503 with the failing ones."""
    ops = request.app[OPS_SETTINGS]
    checks: dict[str, dict[str, object]] = {}
    try:
        async with request.app[SESSIONS]() as session:
            await asyncio.wait_for(_readiness(session, ops.READY_MAX_OUTBOX_LAG_SECONDS, checks),
                                   ops.READY_CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001  any failure to ask means the database is not usable
        checks.setdefault("database", {"ok": False, "error": type(exc).__name__})
    failed = sorted(name for name, check in checks.items() if not check["ok"])
    if failed or "outbox" not in checks:
        return web.json_response({"status": "unavailable", "failed": failed or ["database"],
                                  "checks": checks}, status=503)
    return web.json_response({"status": "ready", "checks": checks})


async def _readiness(session: AsyncSession, max_lag: float, checks: dict) -> None:
    await session.execute(text("SELECT 1"))
    checks["database"] = {"ok": True}
    current = await (await session.connection()).run_sync(
        lambda conn: MigrationContext.configure(conn).get_current_revision())
    checks["migrations"] = {"ok": current == script_head(), "current": current,
                            "head": script_head()}
    lag = await due_lag(session, OutboxMessage)
    checks["outbox"] = {"ok": lag < max_lag, "lag_seconds": round(lag, 3), "limit": max_lag}


@lru_cache(maxsize=1)
def script_head() -> str | None:
    """The newest revision in migrations/ (read once: the scripts ship with the code)."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def due_lag(session: AsyncSession, model: type, now: datetime | None = None) -> float:
    """Seconds the oldest due `pending` row of an inbox/outbox table has been waiting for
    (0 when none is due). Waiting is counted from `next_attempt_at`: a retry's backoff is
    intended delay, not lag."""
    now = now or utcnow()
    oldest = await session.scalar(
        select(model.next_attempt_at)
        .where(model.status == "pending", model.next_attempt_at <= now)
        .order_by(model.next_attempt_at).limit(1))
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
