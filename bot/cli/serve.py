"""`orderbot serve [--host H] [--port P]`: the webhook server (bot.server) on DATABASE_URL.

Host and port default to HOST and PORT from the environment (0.0.0.0:8080).
"""
from __future__ import annotations

import argparse
import logging

from aiohttp import web

from bot.server import init_app
from bot.settings import BotSettings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the webhook server")
    p.add_argument("--host", help="address to listen on (default HOST, 0.0.0.0)")
    p.add_argument("--port", type=int, help="port to listen on (default PORT, 8080)")
    p.set_defaults(func=_serve)


def _serve(args: argparse.Namespace) -> int:
    settings = BotSettings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    web.run_app(init_app(settings), host=args.host or settings.HOST,
                port=args.port or settings.PORT)
    return 0
