"""The unit of work: one transaction, its repositories, and a rollback unless `commit()` is called.

    uow = UnitOfWork(session_factory)
    async with uow:
        order = await uow.orders.get(shop_id, "ORD-00001", lock=True)
        ...
        await uow.commit()

Several steps can share one transaction: open the UoW once and call the `*_in` step functions
of `orders.services` (they never commit), then commit yourself. A UoW object is used by one task
at a time; concurrent work needs one UoW each (they are cheap: `UnitOfWork(session_factory)`).
"""
from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from orders.db import READ_ONLY_OPTION
from orders.repository import (CustomerRepository, HistoryRepository, MemberRepository,
                               OrderRepository, OutboxRepository, ProductRepository, ShopRepository)


class UnitOfWork:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self.session_factory = session_factory
        self._session: AsyncSession | None = None
        self._read_only = False

    def reading(self) -> UnitOfWork:
        """Open the next `async with` for reads only: `async with uow.reading():`. On SQLite it
        takes no write lock (WAL readers never wait); it must not write."""
        self._read_only = True
        return self

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("The unit of work is not open; use `async with uow:` first.")
        return self._session

    @property
    def active(self) -> bool:
        return self._session is not None

    async def __aenter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("This unit of work is already open; pass it on instead of reopening.")
        self._session = session = self.session_factory()
        if self._read_only:
            self._read_only = False
            await session.connection(execution_options={READ_ONLY_OPTION: True})
        self.shops = ShopRepository(session)
        self.members = MemberRepository(session)
        self.products = ProductRepository(session)
        self.orders = OrderRepository(session)
        self.customers = CustomerRepository(session)
        self.history = HistoryRepository(session)
        self.outbox = OutboxRepository(session)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        # close() rolls back whatever was not committed, like rollback(), but leaves the objects
        # already read usable (detached, not expired) for the caller to return.
        await session.close()

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()

    async def flush(self) -> None:
        await self.session.flush()
