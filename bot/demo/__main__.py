"""Entry point of `python -m bot.demo` (see the package docstring)."""
from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
from pathlib import Path

import uvloop

from bot.demo.script import run_demo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.demo", description=__doc__)
    parser.add_argument("--db", type=Path, help="SQLite file to create (default: a temporary one)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.db is not None:
        if args.db.exists():
            parser.error(f"{args.db} already exists; the demo needs a fresh database file")
        run(f"sqlite+aiosqlite:///{args.db}")
        return 0
    with tempfile.TemporaryDirectory(prefix="orderbot-demo-") as folder:
        run(f"sqlite+aiosqlite:///{Path(folder) / 'demo.db'}")
    return 0


def run(url: str) -> None:
    """On uvloop, as `orderbot serve` runs: the demo is CPU-bound in the same stack."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(run_demo(url))


if __name__ == "__main__":
    raise SystemExit(main())
