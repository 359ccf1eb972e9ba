"""PostgreSQL restarted during a load of webhooks.

A throwaway PostgreSQL 15 cluster of this test's own (never the shared one) serves the real app.
Signed Telegram updates, each from its own chat, are posted by a few dozen concurrent senders
while the cluster is stopped (`pg_ctl stop -m fast`) and started again partway. Requests during
the outage must get 503, never 500; the 503'd updates are then posted again as Telegram would.
In the end every update answered 200 is in the inbox exactly once and made exactly one draft.
"""
from __future__ import annotations

import asyncio
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import func, select

from bot.models import TELEGRAM
from bot.server import init_app
from bot.webhooks import channels
from ingestion import inbox
from ingestion.models import Draft, InboxMessage
from ingestion.worker import InboxWorker
from orders.db import make_engine, make_session_factory, utcnow
from orders.migrate import upgrade
from orders.models import Product
from orders.services.shops import create_shop
from orders.uow import UnitOfWork
from tests.e2e.conftest import (BOT_TOKEN, CATALOG, SLUG, TELEGRAM_SECRET,  # noqa: F401
                                payload, settings)

pytestmark = pytest.mark.postgres

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
UPDATES = 300          # distinct updates posted
SENDERS = 30           # concurrent requests
OUTAGE_AFTER = 60      # answers before the cluster is stopped
OUTAGE_SECONDS = 1.5   # how long it stays down
RETRY_ROUNDS = 20      # Telegram-style redeliveries of the 503'd updates, 0.5 s apart


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"a throwaway PostgreSQL cluster is required under CI=true: {reason}")
    pytest.skip(f"cannot start a throwaway PostgreSQL cluster: {reason}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    directory: Path
    port: int
    as_postgres: list[str]

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/orderbot"

    def pg_ctl(self, *args: str) -> list[str]:
        return [*self.as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"),
                "-l", str(self.directory / "log"), "-w", "-t", "30", *args]

    def start_args(self) -> list[str]:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory}"
        return self.pg_ctl("-o", options, "start")

    async def run(self, args: list[str]) -> None:
        proc = await asyncio.create_subprocess_exec(*args, stdout=subprocess.DEVNULL,
                                                    stderr=subprocess.PIPE)
        _, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, err.decode()

    async def stop(self) -> None:
        await self.run(self.pg_ctl("-m", "fast", "stop"))

    async def start(self) -> None:
        await self.run(self.start_args())


@pytest.fixture
def cluster():
    """A PostgreSQL 15 cluster on a free 127.0.0.1 port in a temp dir; removed afterwards."""
    if not (PG_BIN / "initdb").exists():
        _unavailable(f"{PG_BIN / 'initdb'} not found")
    as_postgres: list[str] = []
    directory = Path(tempfile.mkdtemp(prefix="orderbot-pg-"))
    if os.geteuid() == 0:  # initdb refuses root: run the cluster as the postgres OS user
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(directory)
            _unavailable("running as root and there is no postgres OS user")
        os.chown(directory, user.pw_uid, user.pw_gid)
        as_postgres = ["runuser", "-u", "postgres", "--"]
    made = Cluster(directory, _free_port(), as_postgres)
    try:
        subprocess.run([*as_postgres, str(PG_BIN / "initdb"), "-D", str(directory / "data"),
                        "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"],
                       check=True, capture_output=True, timeout=120)
        subprocess.run(made.start_args(), check=True, capture_output=True, timeout=60)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        shutil.rmtree(directory, ignore_errors=True)
        _unavailable(f"{exc} {detail.decode(errors='replace')[-500:]}")
    yield made
    subprocess.run(made.pg_ctl("-m", "immediate", "stop"), capture_output=True, timeout=60)
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
async def served_db(cluster):
    conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres")
    await conn.execute("CREATE DATABASE orderbot")
    await conn.close()
    await upgrade(cluster.url)
    engine = make_engine(cluster.url, pool_size=SENDERS + 5, max_overflow=5, pool_timeout=10)
    sessions = make_session_factory(engine)
    shop = await create_shop(UnitOfWork(sessions), SLUG, "Luigi's", currency="USD", region="US")
    async with UnitOfWork(sessions) as uow:
        for p in json.loads(CATALOG.read_text())["products"]:
            uow.session.add(Product(shop_id=shop.id, sku=p["sku"], name=p["name"],
                                    price=p["price"], options=p.get("options", []),
                                    aliases=p.get("aliases", []), stock=p.get("stock"),
                                    active=True))
        await uow.commit()
    await channels.save(UnitOfWork(sessions), SLUG, TELEGRAM,
                        channels.telegram_credentials(BOT_TOKEN, TELEGRAM_SECRET))
    yield sessions
    await engine.dispose()


def update(n: int) -> dict:
    """Update n, from chat 500000+n, so each one makes a draft of its own."""
    data = payload("telegram/message.json")
    data["update_id"] = 900_000 + n
    data["message"]["message_id"] = n
    data["message"]["from"]["id"] = data["message"]["chat"]["id"] = 500_000 + n
    return data


async def drain_as_time_passes(sessions) -> None:
    """Process every row left, as the worker would once leases and backoffs run out: rows claimed
    by a worker that lost the database stay leased for 60 s, so the clock is moved past that."""
    worker = InboxWorker(sessions)
    for _ in range(100):
        async with UnitOfWork(sessions) as uow:
            rows = await inbox.claim(uow.session, worker.name, limit=50, lease=timedelta(minutes=1),
                                     now=utcnow() + timedelta(minutes=15))
            await uow.commit()
        if not rows:
            return
        for row in rows:
            await worker.process(row)


async def test_updates_survive_a_database_restart(aiohttp_client, served_db, cluster, settings):
    client = await aiohttp_client(init_app(settings, served_db))  # with its own inbox worker
    statuses: Counter[int] = Counter()
    answered: dict[int, int] = {}
    answered_200 = asyncio.Event()
    restarted = asyncio.Event()
    after_restart: Counter[int] = Counter()

    async def post(n: int) -> int:
        resp = await client.post(f"/webhooks/telegram/{SLUG}", json=update(n),
                                 headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
        await resp.read()
        statuses[resp.status] += 1
        answered[n] = resp.status
        if restarted.is_set():
            after_restart[resp.status] += 1
        if statuses[200] >= OUTAGE_AFTER:
            answered_200.set()
        return resp.status

    queue = list(range(UPDATES))

    async def sender() -> None:
        while queue:
            await post(queue.pop(0))
            await asyncio.sleep(0.25)  # a steady load (about 4 s) that spans the outage

    async def outage() -> None:
        await asyncio.wait_for(answered_200.wait(), 60)
        await cluster.stop()
        await asyncio.sleep(OUTAGE_SECONDS)
        await cluster.start()
        restarted.set()

    started = time.monotonic()
    await asyncio.wait_for(asyncio.gather(outage(), *(sender() for _ in range(SENDERS))), 120)
    first_pass = dict(statuses)
    for _ in range(RETRY_ROUNDS):  # Telegram redelivers what was not answered 200
        waiting = [n for n, status in answered.items() if status != 200]
        if not waiting:
            break
        await asyncio.sleep(0.5)
        await asyncio.gather(*(post(n) for n in waiting))
    await client.close()  # stops the server's inbox worker
    await drain_as_time_passes(served_db)
    assert time.monotonic() - started < 120

    print(f"first pass {first_pass}, with redeliveries {dict(statuses)}, "
          f"after the restart {dict(after_restart)}")
    assert set(statuses) <= {200, 503}, statuses          # never a 500
    assert first_pass.get(503, 0) > 0, first_pass         # the outage was seen, and answered 503
    assert after_restart[200] > 0, after_restart          # and the app recovered by itself
    assert all(status == 200 for status in answered.values()), "some update was never accepted"
    async with UnitOfWork(served_db) as uow:
        rows = list(await uow.session.execute(
            select(InboxMessage.external_id, InboxMessage.status)))
        drafts = list(await uow.session.scalars(select(Draft)))
        draft_count = await uow.session.scalar(select(func.count()).select_from(Draft))
    ids = [external_id for external_id, _ in rows]
    assert sorted(ids) == sorted(str(900_000 + n) for n in range(UPDATES))  # each exactly once
    assert {status for _, status in rows} == {"done"}
    assert draft_count == UPDATES                                     # drafts = distinct updates
    assert sorted(d.chat_id for d in drafts) == sorted(str(500_000 + n) for n in range(UPDATES))
    assert all(len(d.texts) == 1 for d in drafts)                     # none read twice
