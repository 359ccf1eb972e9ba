"""`orderbot serve [--host H] [--port P] [--polling]`: the webhook server (bot.server) on DATABASE_URL.

With --polling (development) each shop's Telegram bot is also polled with getUpdates
(bot.polling) instead of waiting for its webhook; the rest of the app runs as usual.

Host and port default to HOST and PORT from the environment (0.0.0.0:8080). Logs are JSON
lines on stdout (LOG_LEVEL, default INFO); it refuses to start while an enabled channel has a
missing or placeholder secret (bot.ops.startup_checks).
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from aiohttp import web

from bot import polling
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
    logging.getLogger("orderbot.server").info("serving", extra={"host": host, "port": port})
    app = init_app(settings)
    if args.polling:
        app.cleanup_ctx.append(polling.pollers(settings))
    web.run_app(app, host=host, port=port, print=None)  # print: JSON lines only
    return 0
