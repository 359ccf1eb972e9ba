"""Entry point of `python -m bot.demo` (see the package docstring)."""
from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
from pathlib import Path

from bot.demo.script import run_demo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.demo", description=__doc__)
    parser.add_argument("--db", type=Path, help="SQLite file to create (default: a temporary one)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.db is not None:
        if args.db.exists():
            parser.error(f"{args.db} already exists; the demo needs a fresh database file")
        asyncio.run(run_demo(f"sqlite+aiosqlite:///{args.db}"))
        return 0
    with tempfile.TemporaryDirectory(prefix="orderbot-demo-") as folder:
        asyncio.run(run_demo(f"sqlite+aiosqlite:///{Path(folder) / 'demo.db'}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
