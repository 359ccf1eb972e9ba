"""`orderbot serve [--host H] [--port P] [--workers N] [--polling]`: the webhook server
(bot.server) on DATABASE_URL.

With --polling (development) each shop's Telegram bot is also polled with getUpdates
(bot.polling) instead of waiting for its webhook; the rest of the app runs as usual.

Host, port and the number of server processes default to HOST, PORT and WORKERS from the
environment (0.0.0.0:8080, 1). Logs are JSON
lines on stdout (LOG_LEVEL, default INFO); it refuses to start while an enabled channel has a
missing or placeholder secret (bot.ops.startup_checks).
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import sys

import uvloop
from aiohttp import web

from bot import polling as polling_module
from bot.ops import startup_checks
from bot.ops.logging import configure_logging
from bot.ops.settings import OpsSettings
from bot.server import init_app
from bot.settings import BotSettings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the webhook server")
    p.add_argument("--host", help="address to listen on (default HOST, 0.0.0.0)")
    p.add_argument("--port", type=int, help="port to listen on (default PORT, 8080)")
    p.add_argument("--polling", action="store_true",
                   help="development: poll Telegram (getUpdates) instead of its webhook")
    p.add_argument("--workers", type=int,
                   help="server processes sharing the port (default WORKERS, 1)")
    p.set_defaults(func=_serve)


def _serve(args: argparse.Namespace) -> int:
    settings = BotSettings()
    configure_logging(OpsSettings().LOG_LEVEL)
    try:
        asyncio.run(startup_checks.check(settings))
    except startup_checks.StartupRefused as exc:
        print(f"orderbot serve: {exc}", file=sys.stderr)
        return 2
    host, port = args.host or settings.HOST, args.port or settings.PORT
    workers = max(1, args.workers or settings.WORKERS)
    logging.getLogger("orderbot.server").info(
        "serving", extra={"host": host, "port": port, "workers": workers})
    # Extra processes share the port (SO_REUSEPORT); each runs its own inbox worker and outbox
    # dispatcher, which is safe: rows are claimed with SKIP LOCKED under leases. Only this first
    # process polls Telegram, since getUpdates allows one poller per bot.
    children = [_spawn(host, port) for _ in range(workers - 1)]
    try:
        _run(settings, host, port, polling=args.polling, reuse_port=workers > 1)
    finally:
        for child in children:
            child.terminate()  # SIGTERM: the child's run_app shuts down gracefully
        for child in children:
            child.join(CHILD_STOP_TIMEOUT)
    return 0


CHILD_STOP_TIMEOUT = 30.0


def _run(settings: BotSettings, host: str, port: int, *, polling: bool, reuse_port: bool) -> None:
    uvloop.install()  # libuv's event loop: more webhook requests per CPU second than asyncio's
    app = init_app(settings)
    if polling:
        app.cleanup_ctx.append(polling_module.pollers(settings))
    web.run_app(app, host=host, port=port, reuse_port=reuse_port or None,
                print=None)  # print: JSON lines only


def _child(host: str, port: int) -> None:
    configure_logging(OpsSettings().LOG_LEVEL)
    _run(BotSettings(), host, port, polling=False, reuse_port=True)


def _spawn(host: str, port: int) -> multiprocessing.Process:
    process = multiprocessing.get_context("spawn").Process(
        target=_child, args=(host, port), name="orderbot-serve", daemon=False)
    process.start()
    return process
