"""Soak: a steady rate of Telegram updates against a real `orderbot serve` process for a while,
watching the server's memory, open PostgreSQL connections and open file descriptors.

    python -m benchmarks.soak [--duration 600] [--rate 5] [--every 5] [--seller]
                              [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]

A fresh database of its own (`orderbot_bench_soak`, dropped afterwards), the pizzeria, the Bot
API stand-in (tests/standins/telegram_api.py) in this process: every update is stored, parsed
into a draft and the customer's reply sent, so the inbox worker and the outbox dispatcher run
the whole time. No seller member by default: cards to one seller chat are paced at Telegram's
1 message/s per chat, so above that rate they would queue without end (`--seller` adds one). Every `--every` seconds it samples the server process: RSS from
/proc, file descriptors in /proc/<pid>/fd, and the connections pg_stat_activity shows for the
database. The last line is the verdict: memory, connections and descriptors flat or growing,
judged on the part after the first fifth (warm-up: caches, pools and the parser index fill up).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

import asyncpg
from aiohttp import ClientSession, ClientTimeout, TCPConnector

from benchmarks._live import (
    SECRET,
    SECRET_HEADER,
    LiveServer,
    drop_database,
    fresh_database,
    only_local,
    process_figures,
    setup_shop,
    update,
)

DB = "orderbot_bench_soak"
MAX_IN_FLIGHT = 200   # beyond this the server is not keeping up; requests are skipped, counted
MEMORY_SLACK_MIB = 8  # growth below this (or 5 %) after warm-up is noise, not a leak


async def steady_load(url: str, rate: float, seconds: float, tally: dict) -> None:
    """One request every 1/rate s (not waiting for answers), at most MAX_IN_FLIGHT at once."""
    headers = {"Content-Type": "application/json", SECRET_HEADER: SECRET}
    in_flight: set[asyncio.Task] = set()
    async with ClientSession(connector=TCPConnector(limit=MAX_IN_FLIGHT),
                             timeout=ClientTimeout(total=30)) as http:
        async def post(n: int) -> None:
            t0 = time.perf_counter()
            try:
                async with http.post(url, data=update(n), headers=headers) as resp:
                    await resp.read()
                    key = str(resp.status)
            except (OSError, asyncio.TimeoutError) as exc:
                key = type(exc).__name__
            tally["latencies"].append(time.perf_counter() - t0)
            tally["statuses"][key] = tally["statuses"].get(key, 0) + 1

        started = time.perf_counter()
        n = 0
        while (due := started + n / rate) < started + seconds:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            n += 1
            if len(in_flight) >= MAX_IN_FLIGHT:
                tally["skipped"] += 1
                continue
            task = asyncio.create_task(post(n))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        if in_flight:
            await asyncio.wait(in_flight, timeout=30)


async def sample(pid: int, pool: asyncpg.Pool, every: float, stop: asyncio.Event,
                 samples: list[dict], started: float) -> None:
    while True:
        figures = process_figures(pid)
        figures["pg"] = await pool.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            DB)
        figures["t"] = time.perf_counter() - started
        samples.append(figures)
        if len(samples) % max(1, int(60 / every)) == 1:
            print(f"  t={figures['t']:5.0f}s  rss {figures['rss_mib']:.1f} MiB  "
                  f"pg connections {figures['pg']}  fds {figures['fds']}", flush=True)
        try:
            await asyncio.wait_for(stop.wait(), every)
            return
        except TimeoutError:
            pass


def verdict(samples: list[dict], key: str, slack: float) -> tuple[str, str]:
    values = [s[key] for s in samples]
    after = values[len(values) // 5:] or values
    half = len(after) // 2
    early, late = statistics.mean(after[:half] or after), statistics.mean(after[half:])
    growth = late - early
    flat = growth <= slack
    line = (f"{key}: first {values[0]:.1f}, last {values[-1]:.1f}, max {max(values):.1f}; "
            f"after warm-up mean {early:.1f} -> {late:.1f} ({growth:+.1f})")
    return line, "flat" if flat else "GROWING"


async def main(args: argparse.Namespace) -> None:
    from tests.standins.telegram_api import StandIn

    url = await fresh_database(args.admin_url, DB)
    try:
        await setup_shop(url.replace("postgresql://", "postgresql+asyncpg://", 1),
                         seller=args.seller)
        async with StandIn() as api, LiveServer(url, api.base_url) as live:
            pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
            tally = {"latencies": [], "statuses": {}, "skipped": 0}
            samples: list[dict] = []
            stop = asyncio.Event()
            print(f"soak: {args.duration:g} s at {args.rate:g} updates/s against orderbot serve "
                  f"(pid {live.pid}) on {DB}; sampling every {args.every:g} s", flush=True)
            started = time.perf_counter()
            sampler = asyncio.create_task(sample(live.pid, pool, args.every, stop, samples,
                                                 started))
            await steady_load(live.webhook_url, args.rate, args.duration, tally)
            stop.set()
            await sampler
            sent = len([c for c in api.calls_of("sendMessage") if c.status == 200])
            drafts = await pool.fetchval("SELECT count(*) FROM drafts")
            inbox = await pool.fetchval("SELECT count(*) FROM inbox")
            await pool.close()
    finally:
        await drop_database(args.admin_url, DB)
    lat = sorted(tally["latencies"])
    p = (lambda q: 1000 * lat[min(len(lat) - 1, int(len(lat) * q))]) if lat else (lambda q: 0)
    print(f"requests: {len(lat)} answered, statuses {tally['statuses']}, skipped "
          f"{tally['skipped']} (over {MAX_IN_FLIGHT} in flight); p50 {p(0.5):.1f} ms, "
          f"p99 {p(0.99):.1f} ms")
    print(f"work done by the end of the load: inbox {inbox} rows, drafts {drafts}, "
          f"messages sent (replies and cards) {sent}")
    rss_slack = max(MEMORY_SLACK_MIB, 0.05 * samples[len(samples) // 5]["rss_mib"])
    lines = [verdict(samples, "rss_mib", rss_slack), verdict(samples, "pg", 0.5),
             verdict(samples, "fds", 2.5)]
    for line, _ in lines:
        print(line)
    names = ("memory", "pg connections", "fds")
    print(f"soak: {len(samples)} samples over {samples[-1]['t']:.0f} s; "
          + ", ".join(f"{name} {v}" for name, (_, v) in zip(names, lines))
          + f"; rss {samples[0]['rss_mib']:.1f} -> {samples[-1]['rss_mib']:.1f} MiB "
          f"(max {max(s['rss_mib'] for s in samples):.1f}), pg connections "
          f"{samples[0]['pg']} -> {samples[-1]['pg']} (max {max(s['pg'] for s in samples)}), "
          f"fds {samples[0]['fds']} -> {samples[-1]['fds']} (max {max(s['fds'] for s in samples)})")


def cli() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--admin-url", default=os.environ.get(
        "BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    ap.add_argument("--duration", type=float, default=600.0, help="seconds of load (default 600)")
    ap.add_argument("--rate", type=float, default=5.0, help="updates per second (default 5)")
    ap.add_argument("--seller", action="store_true",
                    help="a seller with a Telegram chat: every draft's card goes to it")
    ap.add_argument("--every", type=float, default=5.0, help="seconds between samples")
    args = ap.parse_args()
    only_local(args.admin_url)
    if args.duration <= 0 or args.rate <= 0 or args.every <= 0:
        raise SystemExit("--duration, --rate and --every must be positive")
    asyncio.run(main(args))


if __name__ == "__main__":
    cli()
