"""The background loop shared by the inbox worker and the outbox dispatcher: claim a batch,
handle it, sleep until woken or the idle wait passes, and keep going through database errors.

Subclasses give `run_once()` (claim and handle one batch, return how many rows) and may give
`before_round()` (periodic chores) and `failure_pause(failures)` (seconds to wait after the
n-th failed round in a row).
"""
from __future__ import annotations

import asyncio
import logging


class ClaimLoop:
    idle_wait: float = 1.0
    log = logging.getLogger("orderbot.loop")
    what = "claim"  # named in the log line when a round fails

    def __init__(self) -> None:
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """New rows arrived (same process): look now instead of after the idle wait."""
        self._wake.set()

    async def stop(self) -> None:
        """Finish the row in hand, take no more."""
        self._stopping = True
        self._wake.set()

    async def run_once(self) -> int:
        raise NotImplementedError

    async def before_round(self) -> None:
        return None

    def failure_pause(self, failures: int) -> float:
        return min(2 ** failures, 30) * 0.5

    async def drain(self, max_rounds: int = 1000) -> None:
        """Handle until nothing is due (tests, graceful shutdown)."""
        for _ in range(max_rounds):
            if await self.run_once() == 0:
                return

    async def run(self) -> None:
        failures = 0
        while not self._stopping:
            await self.before_round()
            try:
                done = await self.run_once()
                failures = 0
            except Exception as exc:  # noqa: BLE001  e.g. the database is down: wait, try again
                failures += 1
                self.log.warning("%s failed (%d in a row): %r", self.what, failures, exc)
                await asyncio.sleep(self.failure_pause(failures))
                continue
            if done == 0 and not self._stopping:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), self.idle_wait)
                except TimeoutError:
                    pass
