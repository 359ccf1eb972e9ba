"""`orderbot serve [--host H] [--port P]`: the webhook server (bot.server) on DATABASE_URL.

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

from bot.ops import startup_checks
from bot.ops.logging import configure_logging
from bot.ops.settings import OpsSettings
from bot.server import init_app
from bot.settings import BotSettings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the webhook server")
    p.add_argument("--host", help="address to listen on (default HOST, 0.0.0.0)")
    p.add_argument("--port", type=int, help="port to listen on (default PORT, 8080)")
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
    web.run_app(init_app(settings), host=host, port=port, print=None)  # print: JSON lines only
    return 0
