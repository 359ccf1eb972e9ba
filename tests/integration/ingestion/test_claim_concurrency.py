"""The promises, on PostgreSQL: one draft gives one order however many sellers tap; nothing a
customer sends is lost or doubled, even when the worker dies mid-row."""
from __future__ import annotations

import asyncio
import os
import random
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

import ingestion.worker as worker_module
from ingestion.drafts.service import approve_draft, expire_drafts
from ingestion.errors import DraftAlreadyDecided
from ingestion.models import Draft, DraftEvent, InboxMessage
from orders.db import make_engine, make_session_factory, utcnow
from orders.models import Order, Product
from orders.uow import UnitOfWork

pytestmark = pytest.mark.postgres


@pytest.fixture
def backend_database(pg_database):
    """These promises are about PostgreSQL's row locks: run on it alone."""
    return pg_database


@pytest.fixture
async def pg_pizzeria(make_pizzeria):
    return await make_pizzeria(stock={"PEPPERONI_PIZZA": 10})


async def scalar(db, stmt):
    async with db.uow() as uow:
        return await uow.session.scalar(stmt)


async def test_fifty_concurrent_approvals_make_one_order(pg_pizzeria):
    shop = pg_pizzeria
    await shop.say("two large pepperoni pizzas")
    draft_id = await scalar(shop.db, select(Draft.id))
    engine = make_engine(shop.db.url, pool_size=50, max_overflow=5)
    factory = make_session_factory(engine)
    # Open all fifty connections first, so the taps really arrive together.
    conns = [await engine.connect() for _ in range(50)]
    for conn in conns:
        await conn.close()
    try:
        results = await asyncio.gather(
            *(approve_draft(UnitOfWork(factory), shop.dana, draft_id) for _ in range(50)),
            return_exceptions=True)
    finally:
        await engine.dispose()
    orders = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, DraftAlreadyDecided)]
    assert len(orders) == 1 and len(refused) == 49
    assert all(str(r).startswith("Already approved by Dana") for r in refused)
    assert await scalar(shop.db, select(func.count()).select_from(Order)) == 1
    assert await scalar(shop.db, select(Product.stock).where(Product.sku == "PEPPERONI_PIZZA")) == 8


async def test_five_deliveries_of_a_thousand_events_give_a_thousand_drafts(pg_pizzeria):
    shop = pg_pizzeria
    events = [shop.message(f"{1 + i % 3} large pepperoni pizzas", sender=f"c{i}",
                           external_id=f"upd-{i}") for i in range(1000)]
    deliveries = [e for e in events for _ in range(5)]
    random.Random(7).shuffle(deliveries)
    queue = asyncio.Queue()
    for d in deliveries:
        queue.put_nowait(d)

    async def webhook_caller():  # each delivery its own transaction, like a webhook request
        while not queue.empty():
            await shop.deliver(queue.get_nowait())

    await asyncio.gather(*(webhook_caller() for _ in range(20)))
    assert await scalar(shop.db, select(func.count()).select_from(InboxMessage)) == 1000
    workers = [shop.worker(batch=25) for _ in range(3)]
    await asyncio.gather(*(w.drain() for w in workers))
    assert await scalar(shop.db, select(func.count()).select_from(Draft)) == 1000
    assert await scalar(shop.db, select(func.count()).select_from(InboxMessage)
                        .where(InboxMessage.status == "done")) == 1000
    assert await scalar(shop.db, select(func.count(func.distinct(Draft.chat_id)))) == 1000


async def _block_on_first_row(monkeypatch):
    """Make processing hang on its first row, so the test can kill the worker there."""
    entered, real = asyncio.Event(), worker_module.process_row

    async def slow(uow, row, catalogs):
        if not entered.is_set():
            entered.set()
            await asyncio.sleep(3600)
        return await real(uow, row, catalogs)

    monkeypatch.setattr(worker_module, "process_row", slow)
    return entered


async def _expire_leases(db) -> None:
    async with db.uow() as uow:
        await uow.session.execute(update(InboxMessage).where(InboxMessage.status == "processing")
                                  .values(lease_until=utcnow() - timedelta(seconds=1)))
        await uow.commit()


async def test_worker_cancelled_mid_row_then_restarted_processes_each_row_once(pg_pizzeria,
                                                                            monkeypatch):
    shop = pg_pizzeria
    await shop.deliver(*(shop.message("a large pepperoni pizza", sender=f"k{i}") for i in range(10)))
    entered = await _block_on_first_row(monkeypatch)
    task = asyncio.create_task(shop.worker(batch=10).run())
    await asyncio.wait_for(entered.wait(), 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await scalar(shop.db, select(func.count()).select_from(Draft)) == 0  # rolled back
    await _expire_leases(shop.db)
    await shop.worker().drain()
    assert await scalar(shop.db, select(func.count()).select_from(Draft)) == 10
    assert await scalar(shop.db, select(func.count()).select_from(InboxMessage)
                        .where(InboxMessage.status == "done")) == 10


async def test_worker_losing_its_connection_mid_row_then_restarted_processes_once(pg_pizzeria,
                                                                               monkeypatch):
    shop = pg_pizzeria
    await shop.deliver(*(shop.message("a large pepperoni pizza", sender=f"d{i}") for i in range(5)))
    entered, release, real = asyncio.Event(), asyncio.Event(), worker_module.process_row

    async def held(uow, row, catalogs):
        if not entered.is_set():
            entered.set()
            await release.wait()
        return await real(uow, row, catalogs)

    monkeypatch.setattr(worker_module, "process_row", held)
    doomed = shop.worker(batch=5, name="doomed")
    task = asyncio.create_task(doomed.run_once())
    await asyncio.wait_for(entered.wait(), 30)
    # The database drops the worker's connection mid-row (a crash, a failover, a network cut).
    async with shop.db.engine.connect() as admin:
        killed = (await admin.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND state = 'idle in transaction'"))).scalar()
        await admin.commit()
    assert killed == 1
    release.set()
    await asyncio.wait_for(task, 60)  # the row in hand fails; the rest of the batch goes on
    async with shop.db.uow() as uow:
        await uow.session.execute(update(InboxMessage).where(InboxMessage.status == "pending")
                                  .values(next_attempt_at=utcnow()))
        await uow.commit()
    await shop.worker().drain()
    assert await scalar(shop.db, select(func.count()).select_from(Draft)) == 5
    assert await scalar(shop.db, select(func.count()).select_from(InboxMessage)
                        .where(InboxMessage.status == "done")) == 5
    assert await scalar(shop.db, select(func.max(InboxMessage.attempts))) == 2  # the dropped one


async def test_expiry_sweep_racing_approvals_never_gives_both(pg_pizzeria):
    shop = pg_pizzeria
    for i in range(20):
        await shop.say("two cokes", sender=f"r{i}")
    async with shop.db.uow() as uow:
        ids = list(await uow.session.scalars(select(Draft.id)))
    later = utcnow() + timedelta(days=2)

    async def approve(draft_id):
        try:
            return await approve_draft(shop.db.uow(), shop.dana, draft_id)
        except DraftAlreadyDecided:
            return None

    await asyncio.gather(*(approve(i) for i in ids[:10]), expire_drafts(shop.db.uow(), later),
                         *(approve(i) for i in ids[10:]), expire_drafts(shop.db.uow(), later))
    async with shop.db.uow() as uow:
        drafts = list(await uow.session.scalars(select(Draft)))
        orders = {o.draft_id: o for o in await uow.session.scalars(select(Order))}
    for draft in drafts:
        if draft.status == "approved":
            assert draft.id in orders and draft.order_number == orders[draft.id].number
        else:
            assert draft.status == "expired" and draft.id not in orders
    assert len(orders) == sum(d.status == "approved" for d in drafts)


WORKER_PROCESS = """
import asyncio, os, sys
from orders.db import make_engine, make_session_factory
from ingestion.worker import InboxWorker

async def main():
    engine = make_engine(os.environ["WORKER_DATABASE_URL"])
    worker = InboxWorker(make_session_factory(engine), name=sys.argv[1], batch=10)
    await worker.drain()
    await engine.dispose()

asyncio.run(main())
"""


async def test_two_worker_processes_share_the_inbox_without_doubles(pg_pizzeria):
    shop = pg_pizzeria
    await shop.deliver(*(shop.message("a large pepperoni pizza", sender=f"p{i}") for i in range(300)))
    env = {**os.environ, "WORKER_DATABASE_URL": shop.db.url}
    procs = [await asyncio.create_subprocess_exec(sys.executable, "-c", WORKER_PROCESS, f"proc-{n}",
                                                  env=env) for n in range(2)]
    codes = await asyncio.wait_for(asyncio.gather(*(p.wait() for p in procs)), 240)
    assert codes == [0, 0]
    async with shop.db.uow() as uow:
        rows = list(await uow.session.scalars(select(InboxMessage)))
        created = await uow.session.scalar(select(func.count()).select_from(DraftEvent)
                                           .where(DraftEvent.kind == "created"))
    assert len(rows) == 300 and all(r.status == "done" and r.attempts == 1 for r in rows)
    assert created == 300
    assert await scalar(shop.db, select(func.count()).select_from(Draft)) == 300
