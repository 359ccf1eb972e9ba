"""The claim on PostgreSQL: approvals per second on distinct drafts, and the 50-way race.

    python -m benchmarks.claim [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]
                               [--drafts 400] [--concurrency 10]

Runs on a fresh database of its own (`orderbot_bench_claim`, dropped afterwards), migrated with
Alembic. Drafts are made by the real parser from customer messages. Each approval is the real
`approve_draft`: conditional UPDATE of the draft, stock reservation, order + lines, history,
outbox, one commit. The baseline of the same run is the bare minimum a claim must do on the
same server: one transaction with a conditional UPDATE ... RETURNING and one INSERT, through
asyncpg with no ORM; the ratio says what the rest of the work costs. The last line has the figures.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from decimal import Decimal
from pathlib import Path

import asyncpg

from ingestion.drafts.service import approve_draft, expiry_for
from ingestion.errors import DraftAlreadyDecided
from ingestion.models import Draft
from ingestion.parser import Catalog, parse
from orders.db import make_engine, make_session_factory, utcnow
from orders.migrate import upgrade
from orders.models import Product
from orders.services.shops import actor_of, add_member, create_shop
from orders.uow import UnitOfWork

DB = "orderbot_bench_claim"
MESSAGES = ("two large pepperoni pizzas and a coke", "a medium pizza with ham and olives",
            "three cokes and a garlic bread", "one large margherita, no basil")


async def fresh_database(admin_url: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{DB}"')
    finally:
        await conn.close()


async def drop_database(admin_url: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    finally:
        await conn.close()


async def setup(factory, n: int):
    data = json.loads((Path(__file__).resolve().parent.parent / "bot/catalogs/pizzeria.json").read_text())
    shop = await create_shop(UnitOfWork(factory), "bench", "Bench Pizzeria")
    async with UnitOfWork(factory) as uow:
        for p in data["products"]:
            uow.session.add(Product(id=uuid.uuid4(), shop_id=shop.id, sku=p["sku"], name=p["name"],
                                    aliases=p.get("aliases", []), price=Decimal(p["price"]),
                                    stock=1_000_000 if p["sku"] == "COKE" else None,
                                    options=p.get("options", []), active=True))
        await uow.commit()
    agent = actor_of((await add_member(UnitOfWork(factory), "bench", "Dana", "agent")).member)
    catalog = Catalog.from_dict(data)
    ids = []
    async with UnitOfWork(factory) as uow:
        for i in range(n):
            content = parse(MESSAGES[i % len(MESSAGES)], catalog).to_dict()
            draft = Draft(id=uuid.uuid4(), shop_id=shop.id, status="pending_review", source="text",
                          content=content, confidence=content["confidence"], texts=[],
                          edited=False, expires_at=expiry_for({}, utcnow()), version=1,
                          created_at=utcnow(), updated_at=utcnow())
            uow.session.add(draft)
            ids.append(draft.id)
        await uow.commit()
    return agent, ids


async def timed_pool(jobs, concurrency: int) -> tuple[float, list[float]]:
    queue: asyncio.Queue = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    latencies: list[float] = []

    async def runner():
        while not queue.empty():
            job = queue.get_nowait()
            t0 = time.perf_counter()
            await job()
            latencies.append(time.perf_counter() - t0)

    start = time.perf_counter()
    await asyncio.gather(*(runner() for _ in range(concurrency)))
    return time.perf_counter() - start, latencies


async def baseline(dsn: str, n: int, concurrency: int) -> float:
    pool = await asyncpg.create_pool(dsn, min_size=concurrency, max_size=concurrency)
    async with pool.acquire() as conn:
        await conn.execute("CREATE TABLE bench_claims (id uuid PRIMARY KEY, status text)")
        await conn.execute("CREATE TABLE bench_orders (id uuid PRIMARY KEY, claim_id uuid UNIQUE)")
        await conn.executemany("INSERT INTO bench_claims VALUES ($1, 'pending_review')",
                               [(uuid.uuid4(),) for _ in range(n)])
        ids = [r["id"] for r in await conn.fetch("SELECT id FROM bench_claims")]

    def job(claim_id):
        async def run():
            async with pool.acquire() as conn, conn.transaction():
                got = await conn.fetchval("UPDATE bench_claims SET status = 'approved' WHERE id = $1 "
                                          "AND status = 'pending_review' RETURNING id", claim_id)
                if got:
                    await conn.execute("INSERT INTO bench_orders VALUES ($1, $2)", uuid.uuid4(), got)
        return run

    elapsed, _ = await timed_pool([job(i) for i in ids], concurrency)
    await pool.close()
    return n / elapsed


async def main(admin_url: str, n: int, concurrency: int) -> str:
    await fresh_database(admin_url)
    base = admin_url.rsplit("/", 1)[0]
    url = f"{base.replace('postgresql://', 'postgresql+asyncpg://')}/{DB}"
    try:
        await upgrade(url)
        engine = make_engine(url, pool_size=55, max_overflow=5)
        factory = make_session_factory(engine)
        agent, ids = await setup(factory, n + 1)
        race_id, ids = ids[0], ids[1:]
        base_rate = await baseline(f"{base}/{DB}", n, concurrency)

        def job(draft_id):
            return lambda: approve_draft(UnitOfWork(factory), agent, draft_id)

        elapsed, lat = await timed_pool([job(i) for i in ids], concurrency)
        rate = n / elapsed
        lat.sort()
        p50, p99 = statistics.median(lat) * 1000, lat[int(len(lat) * 0.99) - 1] * 1000
        print(f"baseline (bare conditional UPDATE + INSERT, asyncpg): {base_rate:.0f} claims/s")
        print(f"approve_draft on {n} distinct drafts, {concurrency} at a time: {rate:.0f} approvals/s, "
              f"p50 {p50:.1f} ms, p99 {p99:.1f} ms")

        t0 = time.perf_counter()
        results = await asyncio.gather(*(approve_draft(UnitOfWork(factory), agent, race_id)
                                         for _ in range(50)), return_exceptions=True)
        race_ms = (time.perf_counter() - t0) * 1000
        won = sum(not isinstance(r, BaseException) for r in results)
        refused = sum(isinstance(r, DraftAlreadyDecided) for r in results)
        print(f"50-way race on one draft: {won} order, {refused} 'already approved', {race_ms:.0f} ms")
        await engine.dispose()
        return (f"claim: {rate:.0f} approvals/s = {rate / base_rate:.0%} of the bare-claim baseline "
                f"({base_rate:.0f}/s); 50-way race: {won} order, {refused} refused")
    finally:
        await drop_database(admin_url)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--drafts", type=int, default=400)
    ap.add_argument("--concurrency", type=int, default=10)
    args = ap.parse_args()
    print(asyncio.run(main(args.admin_url, args.drafts, args.concurrency)))
