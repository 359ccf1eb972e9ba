"""Alembic environment: async engines, the URL from `orders.migrate` or DATABASE_URL.

Tests and `orderbot migrate` hand in an open connection (config.attributes["connection"]);
the plain `alembic` command builds its own engine.
"""
from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

import bot.models  # noqa: F401
import bot.outbox.models  # noqa: F401
import ingestion.models  # noqa: F401  (registers the tables on Base.metadata)
import orders.models  # noqa: F401
from orders.db import Base, make_engine
from orders.settings import Settings

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: later migrations get copy-and-move batches there.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_run)
            await conn.commit()
    finally:
        await engine.dispose()


def main() -> None:
    if context.is_offline_mode():
        url = config.get_main_option("sqlalchemy.url") or Settings().DATABASE_URL
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async(config.get_main_option("sqlalchemy.url") or Settings().DATABASE_URL))


main()
