"""`orderbot serve --workers 2`: two processes answer on one port, and SIGTERM stops them all."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from orders.migrate import upgrade


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    """The server processes the parent started (not multiprocessing's resource tracker)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    kids = [int(c) for c in path.read_text().split()] if path.exists() else []
    return [k for k in kids if "spawn_main" in _cmdline(k)]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


async def test_serve_with_two_workers_answers_and_stops_on_sigterm(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    await upgrade(url)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    for name in ("TELEGRAM_BOT_TOKEN", "WHATSAPP_APP_SECRET", "INSTAGRAM_APP_SECRET"):
        env.pop(name, None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())", "serve", "--host", "127.0.0.1", "--port", str(port),
        "--workers", "2", env=env, stdout=asyncio.subprocess.DEVNULL)
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        if resp.status == 200 and len(children(proc.pid)) >= 1:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("orderbot serve --workers 2 did not come up")
            statuses = []
            for _ in range(10):
                async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    statuses.append(resp.status)
        assert statuses == [200] * 10
        kids = children(proc.pid)
        assert len(kids) >= 1
    finally:
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 40)
    assert code == 0
    assert not any(running(kid) for kid in kids)
