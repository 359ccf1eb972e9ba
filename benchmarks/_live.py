"""A real `orderbot serve` process for the benchmarks (e2e, soak): its own fresh PostgreSQL
database on 127.0.0.1, the demo pizzeria with a Telegram channel and a seller who has a Telegram
user id, and the Bot API stand-in (tests/standins/telegram_api.py) the server sends to.

    async with LiveServer(admin_url, "orderbot_bench_e2e", api.base_url) as live:
        live.webhook_url, live.pid, live.sessions ...
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg
from aiohttp import ClientSession, ClientTimeout

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench"
BOT_TOKEN = "7012345678:AAF-bench-token_for_ingest"
SECRET = "bench-webhook-secret_0123456789"
SELLER_CHAT = 555_000_001   # the seller's Telegram user id: cards go to this private chat
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TEXTS = ("two large pepperoni pizzas and a coke please", "a margherita and a garlic bread",
         "three cokes and a tiramisu", "one caesar salad and chicken wings")


def only_local(url: str) -> None:
    if "127.0.0.1" not in url and "localhost" not in url:
        raise SystemExit("--admin-url: the benchmarks only run against 127.0.0.1")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def update(n: int, name: str | None = None, text: str | None = None) -> bytes:
    """A distinct Telegram text update from its own chat."""
    chat = 10_000_000 + n
    sender = {"id": chat, "is_bot": False, "first_name": "Ana"}
    if name:
        sender["last_name"] = name
    return json.dumps({"update_id": n, "message": {
        "message_id": n, "date": 1763920800, "text": text or TEXTS[n % len(TEXTS)],
        "from": sender, "chat": {"id": chat, "first_name": "Ana", "type": "private"}}}).encode()


async def fresh_database(admin_url: str, name: str) -> str:
    """Drop and create `name`; its asyncpg URL."""
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


async def drop_database(admin_url: str, name: str) -> None:
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def setup_shop(sa_url: str, seller: bool = True) -> None:
    """Migrate, then the pizzeria, its catalog, its Telegram channel and (seller) one agent with
    a Telegram user id, so every draft's card is sent to SELLER_CHAT."""
    from bot.models import TELEGRAM
    from bot.webhooks import channels
    from orders.db import make_engine, make_session_factory
    from orders.migrate import upgrade
    from orders.models import Product
    from orders.services.shops import add_member, create_shop
    from orders.uow import UnitOfWork

    await upgrade(sa_url)
    engine = make_engine(sa_url)
    sessions = make_session_factory(engine)
    try:
        shop = await create_shop(UnitOfWork(sessions), SLUG, "Bench Pizzeria", currency="USD")
        catalog = json.loads((ROOT / "bot/catalogs/pizzeria.json").read_text())
        async with UnitOfWork(sessions) as uow:
            for p in catalog["products"]:
                uow.session.add(Product(shop_id=shop.id, sku=p["sku"], name=p["name"],
                                        price=p["price"], options=p.get("options", []),
                                        aliases=p.get("aliases", []), stock=p.get("stock"),
                                        active=True))
            await uow.commit()
        await channels.save(UnitOfWork(sessions), SLUG, TELEGRAM,
                            channels.telegram_credentials(BOT_TOKEN, SECRET))
        if seller:
            await add_member(UnitOfWork(sessions), SLUG, "Dana", "agent",
                             telegram_user_id=SELLER_CHAT)
    finally:
        await engine.dispose()


class LiveServer:
    """`orderbot serve` (bot.cli.main) in a child process on a free 127.0.0.1 port; stopped with
    SIGTERM (graceful) on exit, killed if it does not stop within `stop_timeout`."""

    def __init__(self, db_url: str, api_url: str, *, workers: int = 1,
                 stop_timeout: float = 30.0, log_level: str = "INFO") -> None:
        self.db_url, self.api_url, self.workers = db_url, api_url, workers
        self.log_level = log_level  # INFO as deployed: one JSON line per request
        self.stop_timeout = stop_timeout
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.webhook_url = f"{self.base}/webhooks/telegram/{SLUG}"
        self.proc: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    async def __aenter__(self) -> LiveServer:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("TELEGRAM_", "WHATSAPP_", "INSTAGRAM_"))}
        env |= {"DATABASE_URL": self.db_url.replace("postgresql://", "postgresql+asyncpg://", 1),
                "TELEGRAM_API_BASE_URL": self.api_url,
                "GRAPH_API_BASE_URL": "http://127.0.0.1:9/graph", "LOG_LEVEL": self.log_level}
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())", "serve", "--host", "127.0.0.1",
            "--port", str(self.port), "--workers", str(self.workers),
            cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL)
        await self._wait_healthy(60)
        return self

    async def _wait_healthy(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        async with ClientSession(timeout=ClientTimeout(total=2)) as http:
            while time.monotonic() < deadline:
                if self.proc.returncode is not None:
                    raise SystemExit(f"orderbot serve exited ({self.proc.returncode})")
                try:
                    async with http.get(f"{self.base}/healthz") as resp:
                        if resp.status == 200:
                            return
                except OSError:
                    pass
                await asyncio.sleep(0.2)
        raise SystemExit("orderbot serve did not answer /healthz in time")

    async def __aexit__(self, *exc: object) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), self.stop_timeout)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


def process_figures(pid: int) -> dict[str, Any]:
    """Resident memory (MiB) and open file descriptors of one process, from /proc."""
    rss_kib = 0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss_kib = int(line.split()[1])
    return {"rss_mib": rss_kib / 1024, "fds": len(os.listdir(f"/proc/{pid}/fd"))}


def children_of(pid: int) -> list[int]:
    """The process's direct children (`orderbot serve --workers N` spawns N-1 of them)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found
