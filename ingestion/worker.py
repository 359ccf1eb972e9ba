"""The inbox worker: an asyncio task in the serving process (or several processes) that claims
inbox rows, processes each in its own transaction, and retries failures with backoff.

    worker = InboxWorker(session_factory)
    task = asyncio.create_task(worker.run())   # webhook handlers call worker.wake()
    ...
    await worker.stop()
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from datetime import timedelta
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ingestion import inbox
from ingestion.catalogs import CatalogCache
from ingestion.drafts.service import approve_draft, expire_drafts
from ingestion.errors import IngestionError
from ingestion.loop import ClaimLoop
from ingestion.models import InboxMessage
from ingestion.processing import Outcome, process_row
from orders.domain.actors import Actor
from orders.errors import OrderCoreError
from orders.services.sweeps import run_sweeps
from orders.uow import UnitOfWork

log = logging.getLogger("orderbot.inbox")
YIELD_STEP = 0.01  # seconds between looks at whether webhook requests are still coming in


class ChatDesk(Protocol):
    """The chat adapters' handlers for rows that are not a customer's order words (a seller's
    command, button or answer; a customer's button). Passed in, so ingestion never imports bot.

    `handle` returns False for a row it leaves to customer processing. It runs before the row
    is marked done, in its own transactions: if it raises, the row is retried, so its effects
    must be safe to repeat (approving twice answers "already approved")."""

    async def handle(self, row: InboxMessage) -> bool: ...


class InboxWorker(ClaimLoop):
    what = "inbox claim"
    log = log

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], *,
                 name: str | None = None, batch: int = 20, lease: timedelta = timedelta(seconds=60),
                 max_attempts: int = 5, idle_wait: float = 1.0,
                 sweep_every: float = 60.0, catalogs: CatalogCache | None = None,
                 desk: ChatDesk | None = None,
                 on_committed: Callable[[], None] = lambda: None,
                 busy: Callable[[], bool] = lambda: False, max_yield: float = 0.25) -> None:
        self.session_factory = session_factory
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.batch, self.lease, self.max_attempts = batch, lease, max_attempts
        self.idle_wait = idle_wait
        self.sweep_every = sweep_every
        self._next_sweep = 0.0
        self.catalogs = catalogs or CatalogCache()
        self.desk = desk
        # Rows it commits usually queue outbox rows: the serving process wakes its dispatcher
        # here instead of letting them wait for the dispatcher's next look.
        self.on_committed = on_committed
        # Acknowledging platforms comes first: while webhook requests are being answered in
        # this process, each row waits up to `max_yield` before it takes the CPU.
        self.busy, self.max_yield = busy, max_yield
        super().__init__()

    async def before_round(self) -> None:
        await self.sweep_if_due()

    def failure_pause(self, failures: int) -> float:
        return inbox.backoff(min(failures, 5)).total_seconds()

    async def sweep_if_due(self) -> int:
        """The periodic sweeps ride on the worker loop: draft expiry, then the order core's
        (overdue completions, warranty reminders). Every worker may run them: conditional
        UPDATEs and SKIP LOCKED make concurrent sweeps harmless. Returns drafts expired."""
        now = asyncio.get_running_loop().time()
        if now < self._next_sweep:
            return 0
        self._next_sweep = now + self.sweep_every
        expired = 0
        try:
            expired = await expire_drafts(UnitOfWork(self.session_factory))
            await run_sweeps(lambda: UnitOfWork(self.session_factory))
        except Exception as exc:  # noqa: BLE001  a failed sweep is retried next time
            log.warning("periodic sweep failed: %r", exc)
        return expired

    async def run_once(self) -> int:
        """Claim one batch and process it; returns how many rows were claimed."""
        uow = UnitOfWork(self.session_factory)
        async with uow:
            rows = await inbox.claim(uow.session, self.name, limit=self.batch, lease=self.lease)
            await uow.commit()
        for row in rows:
            if row.kind != "callback":  # a tap is answered at once, traffic or not
                await self._make_way()
            await self.process(row)
        return len(rows)

    async def _make_way(self) -> None:
        waited = 0.0
        while waited < self.max_yield and self.busy():
            await asyncio.sleep(YIELD_STEP)
            waited += YIELD_STEP

    async def process(self, row: InboxMessage) -> None:
        if row.attempts > self.max_attempts:  # reclaimed after crashes too many times
            await self._failed(row, "gave up: the worker stopped while processing it too often")
            return
        uow = UnitOfWork(self.session_factory)
        try:
            at_desk = self.desk is not None and await self.desk.handle(row)
            async with uow:
                if not await inbox.finish(uow.session, row, self.name, None):
                    return  # lease lost: another worker has it now
                outcome = Outcome("chat_action") if at_desk else \
                    await process_row(uow, row, self.catalogs)
                await inbox.finish_result(uow.session, row, outcome.as_result())
                await uow.commit()
        except asyncio.CancelledError:
            raise  # the lease runs out and another worker (or this one, restarted) retries
        except Exception as exc:  # noqa: BLE001  every failure is recorded on the row
            log.warning("inbox row failed: %r", exc, extra={"shop": str(row.shop_id), "inbox": str(row.id),
                                                   "error": type(exc).__name__})
            await self._failed(row, f"{type(exc).__name__}: {exc}")
            return
        await self._auto_approve(row, outcome)
        self.on_committed()

    async def _failed(self, row: InboxMessage, error: str) -> None:
        uow = UnitOfWork(self.session_factory)
        async with uow:
            await inbox.fail(uow.session, row, self.name, error, max_attempts=self.max_attempts)
            await uow.commit()

    async def _auto_approve(self, row: InboxMessage, outcome: Outcome) -> None:
        """Drafts at or above the shop's threshold go through the same claim as a seller's tap."""
        if not (outcome.auto_approve and outcome.draft_id):
            return
        try:
            await approve_draft(UnitOfWork(self.session_factory), Actor.system(row.shop_id),
                                outcome.draft_id)
        except (IngestionError, OrderCoreError) as exc:
            # The draft stays pending (with the reason) for a seller to decide.
            log.info("auto-approve declined", extra={"draft": str(outcome.draft_id),
                                                     "reason": str(exc)})
