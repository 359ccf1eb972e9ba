"""`orderbot parse --catalog CATALOG.json [TEXT]`: print the draft a message would make.

With TEXT, one JSON draft. Without, one message per stdin line and one JSON draft per line,
in the same order (the catalog index is built once for the whole batch).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ingestion.parser import Catalog, CatalogError, parse


def register(subparsers) -> None:
    p = subparsers.add_parser("parse", help="parse a customer message into a draft order (JSON)")
    p.add_argument("--catalog", required=True, type=Path, help="catalog file (JSON, see DESIGN.md)")
    p.add_argument("text", nargs="?", help="the message; omit to read one message per line from stdin")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        catalog = Catalog.from_dict(json.loads(args.catalog.read_text(encoding="utf-8")))
    except (OSError, ValueError, CatalogError) as e:
        print(f"orderbot parse: cannot use catalog {args.catalog}: {e}", file=sys.stderr)
        return 2
    messages = [args.text] if args.text is not None else (line.rstrip("\r\n") for line in sys.stdin)
    for message in messages:
        print(json.dumps(parse(message, catalog).to_dict(), ensure_ascii=False), flush=args.text is None)
    return 0
