"""Webhook ingestion on PostgreSQL: Telegram-shaped updates posted into the real app's inbox,
against a baseline measured in the same run.

    python -m benchmarks.ingest [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]
                                [--seconds 10] [--concurrency 32] [--drain-limit 120]
                                [--no-worker]   (also: our ingest alone, worker and dispatcher off)
                                [--served 1 2]  (also: `orderbot serve --workers N` processes)
                                [--no-uvloop]   (every process on asyncio's own loop)
                                [--analyze-every S]  (ANALYZE every S s, as autovacuum would)

Runs on a fresh database of its own (`orderbot_bench_ingest`, dropped afterwards), migrated with
Alembic, with the demo pizzeria and its Telegram channel. The load comes from a second process on
127.0.0.1 (this module with `--load`: an aiohttp client keeping `--concurrency` requests in
flight for `--seconds`, each a distinct update from its own chat).

- baseline: a bare aiohttp handler doing one asyncpg `INSERT ... ON CONFLICT DO NOTHING`
  (autocommit: one commit per request), same server, same load.
- ours: `bot.server.init_app` as `orderbot serve` runs it (secret check, decoding, inbox
  insert, commit before the 200), in this process, with its inbox worker turning rows into
  drafts while the load runs. After the load stops, the backlog is drained (at most
  `--drain-limit` s). `--served N ...`: also the real `orderbot serve --workers N` in its own
  process(es) (JSON request logs at INFO, as deployed), each on a fresh database.

Every process runs on uvloop, as `orderbot serve` does (`--no-uvloop`: asyncio's own loop). The
baseline is measured first and again last; ratios are taken against the mean of the two, since
this shared machine drifts during a run. Each phase also reports the CPU time spent per answered
request by the load process, the server process(es) and PostgreSQL (all its processes).

The last line has the figures: both rates, their ratio, our p50/p99, drafts per second during the
load and the drain time.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import uvloop
from aiohttp import ClientSession, ClientTimeout, TCPConnector, web
from sqlalchemy import func, select

from benchmarks._live import (SECRET, SLUG, LiveServer, children_of, free_port, setup_shop,
                             update)

DB = "orderbot_bench_ingest"
LOOP_FLAG: list[str] = []  # ["--no-uvloop"] passed on to the load and Bot API processes
ROOT = Path(__file__).resolve().parent.parent


# --- the load: a second process ------------------------------------------------------------

async def load(url: str, seconds: float, concurrency: int, first_id: int) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    next_id = first_id
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    usage = os.times()
    cpu_before = usage.user + usage.system
    async with ClientSession(connector=TCPConnector(limit=concurrency),
                             timeout=ClientTimeout(total=30)) as session:
        started = time.perf_counter()
        deadline = started + seconds

        async def sender() -> None:
            nonlocal next_id
            while time.perf_counter() < deadline:
                n, next_id = next_id, next_id + 1
                t0 = time.perf_counter()
                async with session.post(url, data=update(n), headers=headers) as resp:
                    await resp.read()
                latencies.append(time.perf_counter() - t0)
                statuses[resp.status] = statuses.get(resp.status, 0) + 1

        await asyncio.gather(*(sender() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    usage = os.times()
    return {"cpu_s": usage.user + usage.system - cpu_before,
            "requests": len(latencies), "ok": statuses.get(200, 0), "statuses": statuses,
            "elapsed": elapsed, "rate": statuses.get(200, 0) / elapsed,
            "p50_ms": 1000 * latencies[len(latencies) // 2],
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]}


async def drive(url: str, seconds: float, concurrency: int, first_id: int,
                servers: list[int] | None = None) -> dict:
    """Run the load in a second process and return what it measured, with the CPU time each
    side spent per answered request (µs): the load process, the server process(es) (`servers`,
    default this one), and every PostgreSQL process together."""
    servers = servers or [os.getpid()]
    before = {"server": cpu_seconds(servers, reaped=False),
              "postgres": cpu_seconds(postgres_pids())}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.ingest", "--load", url, "--seconds", str(seconds),
        "--concurrency", str(concurrency), "--first-id", str(first_id), *LOOP_FLAG,
        stdout=subprocess.PIPE, cwd=ROOT)
    out, _ = await asyncio.wait_for(proc.communicate(), seconds + 60)
    if proc.returncode != 0:
        raise SystemExit(f"the load process failed ({proc.returncode})")
    result = json.loads(out.decode().strip().splitlines()[-1])
    spent = {"server": cpu_seconds(servers, reaped=False) - before["server"],
             "postgres": cpu_seconds(postgres_pids()) - before["postgres"],
             "load": result.pop("cpu_s")}
    done = max(1, result["requests"])
    result["cpu_us"] = {side: round(1e6 * s / done) for side, s in spent.items()}
    return result


def cpu_seconds(pids: list[int], reaped: bool = True) -> float:
    """User + system CPU time of these processes, from /proc; with `reaped`, also of their
    children that ended (PostgreSQL's postmaster reaps the backends that closed; the load
    process is this process's child, so the server's own figure must leave it out)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone (a PostgreSQL backend that closed)
            continue
        total += sum(int(f) for f in fields[11:15 if reaped else 13]) / os.sysconf("SC_CLK_TCK")
    return total


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def cpu_text(result: dict) -> str:
    cpu = result["cpu_us"]
    return (f"CPU per request: load {cpu['load']} µs, server {cpu['server']} µs, "
            f"PostgreSQL {cpu['postgres']} µs")


async def bot_api() -> None:
    """A third process: the Bot API stand-in the worker's replies and seller cards go to."""
    from tests.standins.telegram_api import StandIn

    api = await StandIn().start()  # on a free port, printed for the parent
    print(api.base_url, flush=True)
    await asyncio.sleep(3600)


# --- the two servers --------------------------------------------------------------------------

async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


def baseline_app(pool: asyncpg.Pool) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        data = json.loads(await request.read())
        await pool.execute("INSERT INTO bench_baseline (update_id, body) VALUES ($1, $2) "
                           "ON CONFLICT DO NOTHING", data["update_id"], json.dumps(data))
        return web.json_response({"ok": True})
    app = web.Application()
    app.router.add_post("/webhook", receive)
    return app


async def run_baseline(url: str, seconds: float, concurrency: int) -> dict:
    pool = await asyncpg.create_pool(url, min_size=concurrency, max_size=concurrency)
    await pool.execute("DROP TABLE IF EXISTS bench_baseline")  # the first baseline's, when last
    await pool.execute("CREATE TABLE bench_baseline (update_id bigint PRIMARY KEY, body jsonb)")
    runner, base = await serve(baseline_app(pool))
    try:
        return await drive(f"{base}/webhook", seconds, concurrency, 1)
    finally:
        await runner.cleanup()
        await pool.close()


async def run_ours(url: str, seconds: float, concurrency: int, drain_limit: float,
                   worker: bool = True, served: int = 0, log_level: str = "INFO",
                   analyze_every: float = 0.0) -> dict:
    from bot.server import init_app
    from bot.settings import BotSettings
    from ingestion.models import Draft, InboxMessage
    from orders.db import make_engine, make_session_factory
    from orders.uow import UnitOfWork

    sa_url = url.replace("postgresql://", "postgresql+asyncpg://", 1)
    await setup_shop(sa_url, seller=False)
    engine = make_engine(sa_url)
    sessions = make_session_factory(engine)
    api = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.ingest", "--bot-api", *LOOP_FLAG,
        stdout=subprocess.PIPE, cwd=ROOT)
    api_url = (await asyncio.wait_for(api.stdout.readline(), 30)).decode().strip()
    settings = BotSettings(DATABASE_URL=sa_url, TELEGRAM_API_BASE_URL=api_url,
                           GRAPH_API_BASE_URL="http://127.0.0.1:9/graph")

    async def count(model, *where) -> int:
        async with UnitOfWork(sessions).reading() as uow:
            return await uow.session.scalar(select(func.count()).select_from(model).where(*where))

    # its own engine, inbox worker and outbox dispatcher, as served (--no-worker: neither);
    # served: `orderbot serve --workers N` in child processes instead of this one
    live = LiveServer(url, api_url, workers=served, log_level=log_level) if served else None
    if live is not None:
        await live.__aenter__()
        runner, base = None, live.base
    else:
        runner, base = await serve(init_app(settings, run_worker=worker))
    analyzer = asyncio.create_task(analyze_every_so_often(url, analyze_every)) \
        if analyze_every else None
    try:
        servers = [live.pid, *children_of(live.pid)] if live is not None else None
        result = await drive(f"{base}/webhooks/telegram/{SLUG}", seconds, concurrency, 1,
                             servers)
        drafts_during = await count(Draft)
        stopped = time.perf_counter()
        left = await count(InboxMessage, InboxMessage.status.in_(("pending", "processing")))
        while worker and left and time.perf_counter() - stopped < drain_limit:
            await asyncio.sleep(0.5)
            left = await count(InboxMessage, InboxMessage.status.in_(("pending", "processing")))
        drain = time.perf_counter() - stopped
    finally:
        if analyzer is not None:
            analyzer.cancel()
            await asyncio.gather(analyzer, return_exceptions=True)
        if live is not None:
            await live.__aexit__(None, None, None)
        else:
            await runner.cleanup()
        api.kill()
        await api.wait()
    result |= {"drafts_during": drafts_during, "draft_rate": drafts_during / result["elapsed"],
               "drain_s": drain, "left": left, "drafts": await count(Draft),
               "inbox": await count(InboxMessage)}
    await engine.dispose()
    return result


BASELINE = "baseline (aiohttp + one asyncpg INSERT ... ON CONFLICT DO NOTHING)"


async def analyze_every_so_often(url: str, seconds: float) -> None:
    """ANALYZE the database every `seconds`, standing in for autovacuum's autoanalyze, which
    PostgreSQL runs by default and this machine's server has switched off. Without it no table
    ever gets statistics, and the plans the worker's connections cached while the tables were
    empty stay in use as they grow."""
    connection = await asyncpg.connect(url)
    try:
        while True:
            await asyncio.sleep(seconds)
            await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def main(args: argparse.Namespace) -> None:
    admin = await asyncpg.connect(args.admin_url)

    async def fresh_database() -> str:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{DB}"')
        return args.admin_url.rsplit("/", 1)[0] + f"/{DB}"

    try:
        url = await fresh_database()
        loop = "uvloop" if args.uvloop else "asyncio's own loop"
        print(f"load: {args.seconds:g} s each, {args.concurrency} requests in flight, "
              f"from a second process on 127.0.0.1; database {DB}; every process on {loop}",
              flush=True)
        before = await run_baseline(url, args.seconds, args.concurrency)
        print(f"{BASELINE}, before: {_figures(before)}", flush=True)
        if not args.worker:  # ingest alone, then a fresh database for the run with the worker
            alone = await run_ours(url, args.seconds, args.concurrency, 0, worker=False)
            print(f"ours without worker/dispatcher: {_figures(alone)}", flush=True)
            url = await fresh_database()
        served = {}
        for workers in args.served:  # the real server processes, each on a fresh database
            served[workers] = await run_ours(url, args.seconds, args.concurrency,
                                             args.drain_limit, served=workers,
                                             log_level=args.log_level)
            print(f"ours as `orderbot serve --workers {workers}` (worker running, LOG_LEVEL "
                  f"{args.log_level}): {_figures(served[workers])}; drafts "
                  f"{served[workers]['draft_rate']:.0f}/s during the load, backlog "
                  f"{_drained(served[workers])} {served[workers]['drain_s']:.1f} s after it",
                  flush=True)
            url = await fresh_database()
        ours = await run_ours(url, args.seconds, args.concurrency, args.drain_limit,
                              analyze_every=args.analyze_every)
        print(f"ours (init_app, inbox + commit before 200, worker running): {_figures(ours)}",
              flush=True)
        print(f"drafts: {ours['drafts_during']} made during the load "
              f"({ours['draft_rate']:.0f}/s sustained); backlog {_drained(ours)} "
              f"{ours['drain_s']:.1f} s after the load stopped; "
              f"inbox {ours['inbox']} rows, drafts {ours['drafts']}", flush=True)
        # The baseline again, after everything else: the machine drifts during a run (other
        # work, PostgreSQL's checkpoints), so ratios are taken against the mean of the two.
        after = await run_baseline(url, args.seconds, args.concurrency)
        print(f"{BASELINE}, after: {_figures(after)}", flush=True)
        base = (before["rate"] + after["rate"]) / 2
        for workers, result in served.items():
            print(f"`orderbot serve --workers {workers}`: {result['rate']:.0f}/s = "
                  f"{100 * result['rate'] / base:.0f} % of the baseline's {base:.0f}/s, "
                  f"p99 {result['p99_ms']:.1f} ms", flush=True)
        print(f"ingest: ours {ours['rate']:.0f}/s vs baseline {base:.0f}/s "
              f"(mean of {before['rate']:.0f} and {after['rate']:.0f}) = "
              f"{100 * ours['rate'] / base:.0f} %, p50 {ours['p50_ms']:.1f} ms, "
              f"p99 {ours['p99_ms']:.1f} ms; drafts {ours['draft_rate']:.0f}/s, "
              f"drain {ours['drain_s']:.1f} s")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        await admin.close()


def _figures(result: dict) -> str:
    return (f"{result['rate']:.0f}/s, p50 {result['p50_ms']:.1f} ms, p99 "
            f"{result['p99_ms']:.1f} ms, statuses {result['statuses']}; {cpu_text(result)}")


def _drained(result: dict) -> str:
    return "drained" if not result["left"] else f"NOT drained ({result['left']} left)"


def cli() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--admin-url", default=os.environ.get(
        "BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--drain-limit", type=float, default=120.0)
    ap.add_argument("--no-worker", dest="worker", action="store_false",
                    help="also measure our ingest with the inbox worker and dispatcher off")
    ap.add_argument("--served", type=int, nargs="*", default=[], metavar="N",
                    help="also measure `orderbot serve --workers N` processes (e.g. 1 2)")
    ap.add_argument("--log-level", default="INFO", help="LOG_LEVEL of --served (default INFO)")
    ap.add_argument("--load", help=argparse.SUPPRESS)       # the second process
    ap.add_argument("--first-id", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--bot-api", action="store_true", help=argparse.SUPPRESS)      # the third process
    ap.add_argument("--analyze-every", type=float, default=0.0, metavar="S",
                    help="ANALYZE the database every S seconds during the in-process run, "
                         "standing in for autovacuum (off on this machine's PostgreSQL)")
    ap.add_argument("--no-uvloop", dest="uvloop", action="store_false",
                    help="run every process on asyncio's own loop instead of uvloop")
    args = ap.parse_args()
    if args.uvloop:  # as `orderbot serve` runs; the baseline and the load get it too
        uvloop.install()
    else:
        LOOP_FLAG.append("--no-uvloop")
    if "127.0.0.1" not in args.admin_url and "localhost" not in args.admin_url:
        raise SystemExit("--admin-url: this benchmark only runs against 127.0.0.1")
    if args.bot_api:
        asyncio.run(bot_api())
        return
    if args.load:
        print(json.dumps(asyncio.run(load(args.load, args.seconds, args.concurrency,
                                          args.first_id))))
        return
    asyncio.run(main(args))


if __name__ == "__main__":
    cli()
