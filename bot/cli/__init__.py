"""The `orderbot` command: one sub-command module per concern, each with `register(subparsers)`."""
from __future__ import annotations

import argparse
import importlib
import sys

# Each module adds its sub-commands; a sub-command sets `func(args) -> int`.
COMMAND_MODULES = ("bot.cli.admin", "bot.cli.parse", "bot.cli.channel", "bot.cli.serve",
                   "bot.cli.telegram")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="orderbot", description="Orders taken in chat.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
