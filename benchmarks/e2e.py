"""End to end: a customer's Telegram message in -> the seller's card sent, through a real
`orderbot serve` process on PostgreSQL.

    python -m benchmarks.e2e [--messages 60] [--rate 0.5] [--wait 60]
                             [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]

A fresh database of its own (`orderbot_bench_e2e`, dropped afterwards) with the pizzeria and a
seller who has a Telegram user id; the Bot API stand-in (tests/standins/telegram_api.py) runs in
this process and the server sends to it. Each message is a signed webhook POST of a distinct
update whose customer has a unique name; its latency runs from the start of the POST to the
moment the stand-in receives the sendMessage to the seller's chat whose card names that
customer (webhook, inbox commit, worker: parse and draft, outbox: seller fan-out and send).
Messages go out at `--rate` per second; after the last one it waits at most `--wait` seconds
for the cards. The last line has p50/p95 and how many cards arrived. All cards go to one seller
chat, which the dispatcher paces at Telegram's 1 message/s per chat: above that rate the
figure measures that queue, not the pipeline (the default stays below it).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import time

from aiohttp import ClientSession, ClientTimeout

from benchmarks._live import (
    SECRET,
    SECRET_HEADER,
    SELLER_CHAT,
    LiveServer,
    drop_database,
    fresh_database,
    only_local,
    setup_shop,
    update,
)

DB = "orderbot_bench_e2e"
TAG = re.compile(r"N(\d{6})x")


class Watched(list):
    """The stand-in's call list, telling us the moment each call is recorded."""

    def __init__(self, seen) -> None:
        super().__init__()
        self.seen = seen

    def append(self, call) -> None:
        super().append(call)
        self.seen(call)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


async def main(args: argparse.Namespace) -> None:
    from tests.standins.telegram_api import StandIn

    url = await fresh_database(args.admin_url, DB)
    sent_at: dict[int, float] = {}
    card_at: dict[int, float] = {}

    def seen(call) -> None:
        if (call.method == "sendMessage" and call.status == 200
                and str(call.params.get("chat_id")) == str(SELLER_CHAT)):
            found = TAG.search(str(call.params.get("text", "")))
            if found and int(found.group(1)) in sent_at:
                card_at.setdefault(int(found.group(1)), time.perf_counter())

    statuses: dict[int, int] = {}
    try:
        await setup_shop(url.replace("postgresql://", "postgresql+asyncpg://", 1))
        async with StandIn() as api, LiveServer(url, api.base_url) as live:
            api.calls = Watched(seen)
            print(f"e2e: {args.messages} messages at {args.rate:g}/s to orderbot serve "
                  f"(pid {live.pid}) on {DB}; cards to seller chat {SELLER_CHAT}", flush=True)
            async with ClientSession(timeout=ClientTimeout(total=30)) as http:
                async def post(n: int) -> None:
                    sent_at[n] = time.perf_counter()
                    async with http.post(live.webhook_url, data=update(n, f"N{n:06d}x"),
                                         headers={"Content-Type": "application/json",
                                                  SECRET_HEADER: SECRET}) as resp:
                        statuses[resp.status] = statuses.get(resp.status, 0) + 1

                started = time.perf_counter()
                posts = []
                for n in range(1, args.messages + 1):
                    await asyncio.sleep(max(0.0, started + (n - 1) / args.rate - time.perf_counter()))
                    posts.append(asyncio.create_task(post(n)))
                await asyncio.gather(*posts)
            deadline = time.perf_counter() + args.wait
            while len(card_at) < args.messages and time.perf_counter() < deadline:
                await asyncio.sleep(0.1)
    finally:
        await drop_database(args.admin_url, DB)
    latencies = [1000 * (card_at[n] - sent_at[n]) for n in card_at]
    print(f"webhook answers: {statuses}; cards received {len(card_at)}/{args.messages}")
    if not latencies:
        raise SystemExit("e2e: no seller card arrived")
    print(f"e2e message in -> seller card sent: p50 {percentile(latencies, 0.5):.0f} ms, "
          f"p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms "
          f"({len(latencies)}/{args.messages} cards)")


def cli() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--admin-url", default=os.environ.get(
        "BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    ap.add_argument("--messages", type=int, default=60)
    ap.add_argument("--rate", type=float, default=0.5, help="messages per second (default 0.5)")
    ap.add_argument("--wait", type=float, default=60.0,
                    help="seconds to wait for the last cards after the last message")
    args = ap.parse_args()
    only_local(args.admin_url)
    if not 0 < args.messages <= 10_000 or args.rate <= 0 or args.wait < 0:
        raise SystemExit("--messages must be 1..10000, --rate positive, --wait >= 0")
    asyncio.run(main(args))


if __name__ == "__main__":
    cli()
