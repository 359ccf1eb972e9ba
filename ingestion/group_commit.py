"""Group commit for the inbox: concurrent webhook requests share one transaction and one commit.

    committer = GroupCommitter(session_factory)
    fresh = await committer.store(messages)   # returns once the rows are durable

Each caller enqueues its messages and awaits a future. A flushing task takes everything queued,
stores it with `inbox.store` in one statement (PostgreSQL: in autocommit, so the statement is
its own commit; SQLite: in one transaction), and resolves every waiter with its own per-message
"new" flags; while it commits, the next callers queue up for the following round. Up to
`rounds` rounds run at once, each flusher on its own connection (kept while requests keep
coming), so a slow commit does not hold up the requests that arrive during it.

If a round fails because the database is unreachable, every waiter of the round gets the
exception (each request answers 503; nothing it sent is acknowledged). Any other failure (a
message the database refuses) retries each waiter alone, so only the bad request fails.
"""
from __future__ import annotations

import asyncio

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from ingestion import inbox
from ingestion.inbox import IncomingMessage

Waiter = tuple[list[IncomingMessage], "asyncio.Future[list[bool]]"]
UNREACHABLE = (OperationalError, InterfaceError, OSError, asyncio.TimeoutError)


class GroupCommitter:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession], *,
                 max_batch: int = 500, rounds: int = 2, linger: float = 0.5) -> None:
        self.engine: AsyncEngine = session_factory.kw["bind"]
        self.max_batch = max_batch    # messages per transaction, so one round stays short
        self.rounds = rounds          # rounds in flight at once (each holds one connection)
        self.linger = linger          # seconds an idle flusher keeps its connection for more
        self.commits = 0              # rounds committed (tests and metrics)
        self._queue: list[Waiter] = []
        self._flushers: set[asyncio.Task[None]] = set()
        self._arrived = asyncio.Event()  # set when a caller queues for an existing flusher
        self._idle = 0                   # flushers lingering in _more()
        self._closing = False

    async def store(self, messages: list[IncomingMessage]) -> list[bool]:
        """Store `messages` in the next shared transaction; per message, True when it is new."""
        if not messages:
            return []
        future: asyncio.Future[list[bool]] = asyncio.get_running_loop().create_future()
        self._queue.append((list(messages), future))
        if not self._idle and len(self._flushers) < self.rounds:
            flusher = asyncio.create_task(self._flush(), name="inbox-group-commit")
            self._flushers.add(flusher)
            flusher.add_done_callback(self._flushers.discard)
        else:
            self._arrived.set()  # a lingering flusher takes it (or a busy one, after its round)
        # Each caller waits on its own future: a caller that goes away (client disconnect)
        # cancels only that future, never the round (`_settle` skips futures already done).
        return await future

    async def close(self) -> None:
        """Wait for the round in progress and whatever is still queued (graceful shutdown)."""
        self._closing = True
        self._arrived.set()  # lingering flushers stop waiting
        while self._flushers:
            await asyncio.shield(asyncio.gather(*self._flushers, return_exceptions=True))

    async def _flush(self) -> None:
        try:
            await self._flush_queue()
        finally:
            # Leave the set at once, not in the done callback (which runs a loop turn later):
            # a caller queueing in between would count this flusher and start none.
            self._flushers.discard(asyncio.current_task())

    async def _flush_queue(self) -> None:
        while self._queue:
            batch = self._take()
            try:
                # One connection for as long as requests keep coming (and `linger` seconds
                # more): checking one out of the pool for every round would cost a ping
                # (BEGIN, ';', ROLLBACK: three round trips on asyncpg) each time.
                async with self.engine.connect() as connection:
                    await _prepare(connection)
                    while True:
                        fresh = await self._round(connection,
                                                  [m for messages, _ in batch for m in messages])
                        start = 0
                        for messages, future in batch:
                            _settle(future, fresh[start:start + len(messages)])
                            start += len(messages)
                        if not await self._more():
                            break
                        batch = self._take()
            except Exception as exc:  # noqa: BLE001  handed to the waiters of the failed round
                if len(batch) == 1 or _unreachable(exc):
                    for _, future in batch:
                        _settle(future, error=exc)
                else:  # one bad message must not fail its neighbours
                    for messages, future in batch:
                        await self._alone(messages, future)

    async def _alone(self, messages: list[IncomingMessage],
                     future: asyncio.Future[list[bool]]) -> None:
        try:
            async with self.engine.connect() as connection:
                await _prepare(connection)
                _settle(future, await self._round(connection, messages))
        except Exception as exc:  # noqa: BLE001  this waiter's own failure
            _settle(future, error=exc)

    async def _more(self) -> bool:
        """Wait up to `linger` seconds for callers to queue; False when none did."""
        deadline = asyncio.get_running_loop().time() + self.linger
        while not self._queue:
            remaining = deadline - asyncio.get_running_loop().time()
            if self._closing or remaining <= 0:
                return False
            self._arrived.clear()
            self._idle += 1
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                pass
            finally:
                self._idle -= 1
        return True

    def _take(self) -> list[Waiter]:
        taken, size = 0, 0
        while taken < len(self._queue) and (taken == 0 or size < self.max_batch):
            size += len(self._queue[taken][0])
            taken += 1
        batch, self._queue = self._queue[:taken], self._queue[taken:]
        return batch

    async def _round(self, connection: AsyncConnection,
                     messages: list[IncomingMessage]) -> list[bool]:
        if connection.dialect.name == "postgresql":
            fresh = await inbox.store(connection, messages)  # autocommit: its own commit
        else:
            async with connection.begin():
                fresh = await inbox.store(connection, messages)
        self.commits += 1
        return fresh


async def _prepare(connection: AsyncConnection) -> None:
    """PostgreSQL: autocommit, so each round's one statement is committed by itself (durable
    when it returns) without the two extra round trips of BEGIN and COMMIT."""
    if connection.dialect.name == "postgresql":
        await connection.execution_options(isolation_level="AUTOCOMMIT")


def _unreachable(exc: Exception) -> bool:
    return isinstance(exc, UNREACHABLE) or (isinstance(exc, DBAPIError)
                                           and exc.connection_invalidated)


def _settle(future: asyncio.Future[list[bool]], result: list[bool] | None = None, *,
            error: Exception | None = None) -> None:
    if future.done():  # its caller went away
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result or [])
