"""Administration commands: `orderbot migrate` (more below as they land)."""
from __future__ import annotations

import argparse
import asyncio

from orders.migrate import upgrade
from orders.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("migrate", help="upgrade the database at DATABASE_URL to the newest migration")
    p.set_defaults(func=_migrate)


def _migrate(args: argparse.Namespace) -> int:
    url = Settings().DATABASE_URL
    asyncio.run(upgrade(url))
    print(f"database at {url} is up to date")
    return 0
