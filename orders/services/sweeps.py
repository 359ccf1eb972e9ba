"""The periodic work of the order core in one call, for the inbox worker's sweep:

    results = await run_sweeps(lambda: UnitOfWork(session_factory), now=utcnow())
    # {"completed": 2, "warranty_reminders": 1}

Each sweep runs in its own transaction, so one failing does not undo the other's work; `now`
is injectable so tests (and a replay) decide what time it is.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from orders.db import utcnow
from orders.services.completion import complete_overdue
from orders.services.warranties import warranty_reminders
from orders.uow import UnitOfWork


async def run_sweeps(uow_factory_or_uow: Callable[[], UnitOfWork] | UnitOfWork,
                     now: datetime | None = None) -> dict[str, int]:
    """Complete overdue deliveries, then queue due warranty reminders; counts of each."""
    now = now or utcnow()

    def uow() -> UnitOfWork:
        if isinstance(uow_factory_or_uow, UnitOfWork):
            return uow_factory_or_uow  # reopened for each sweep: a UoW is reusable once closed
        return uow_factory_or_uow()

    # Completion first: a warranty started now may already be due (a one-month warranty).
    completed = await complete_overdue(uow(), now)
    reminded = await warranty_reminders(uow(), now)
    return {"completed": completed, "warranty_reminders": reminded}
