"""Create a fresh, empty test database on the local PostgreSQL (used by `make test`).

Under CI=true an unreachable server is an error; elsewhere it is reported and the
PostgreSQL tests skip themselves (they read TEST_DATABASE_URL).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys

import asyncpg


async def recreate(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--admin-url", required=True)
    ap.add_argument("--name", required=True)
    args = ap.parse_args()
    try:
        asyncio.run(recreate(args.admin_url, args.name))
    except (OSError, asyncpg.PostgresError, asyncio.TimeoutError) as exc:
        msg = f"PostgreSQL at {args.admin_url} is not usable: {exc}"
        if os.environ.get("CI") == "true":
            print(f"error: {msg} (CI=true: PostgreSQL tests must run)", file=sys.stderr)
            return 1
        print(f"warning: {msg}; PostgreSQL tests will be skipped", file=sys.stderr)
        return 0
    print(f"test database {args.name} created")
    return 0


if __name__ == "__main__":
    sys.exit(main())
