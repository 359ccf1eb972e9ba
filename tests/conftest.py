"""Shared fixtures: migrated databases on both backends, and factories.

    db            a clean, migrated database; tests using it run twice: on SQLite and on
                  PostgreSQL (the PostgreSQL run is marked `postgres`). `db.uow()` gives a fresh
                  UnitOfWork, `db.url` the URL, `db.engine` the async engine, `db.backend`
                  "sqlite" or "postgres".
    sqlite_db     the same, SQLite only.
    pg_db         the same, PostgreSQL only (concurrency tests).
    make          factories bound to `db`: `await make.shop()`, `make.member(shop, "agent")`
                  (an Actor; `.token` on `make.last_token`), `make.product(shop, ...)`,
                  `make.order(actor, [("PIZZA", 2)])`.

The schema is built by running the Alembic migrations to head once per session (never
create_all), so a migration another package adds is tested by every test. Data is wiped before
each test (all tables but alembic_version: TRUNCATE ... CASCADE on PostgreSQL, DELETE on SQLite).

PostgreSQL comes from TEST_DATABASE_URL (`make test` creates it). If it is unset or unreachable
the PostgreSQL runs are skipped, except under CI=true where they fail.
"""
from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from orders.db import make_engine, make_session_factory
from orders.domain.actors import Actor
from orders.migrate import upgrade
from orders.models import Order, Product, Shop
from orders.services.creation import LineRequest, NewOrder, create_order
from orders.services.shops import actor_of, add_member, create_shop
from orders.uow import UnitOfWork

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@dataclass
class Database:
    backend: str
    url: str
    engine: AsyncEngine

    def __post_init__(self) -> None:
        self.session_factory = make_session_factory(self.engine)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    async def wipe(self) -> None:
        async with self.engine.begin() as conn:
            if self.backend == "postgres":
                names = (await conn.execute(text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tablename <> 'alembic_version'"))).scalars().all()
                if names:
                    await conn.execute(text(
                        "TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " CASCADE"))
            else:
                names = (await conn.execute(text(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name <> 'alembic_version' AND name NOT LIKE 'sqlite_%'"))).scalars().all()
                await conn.execute(text("PRAGMA defer_foreign_keys = ON"))
                for name in names:
                    await conn.execute(text(f'DELETE FROM "{name}"'))


def _pg_unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
async def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Database]:
    path: Path = tmp_path_factory.mktemp("db") / "orderbot.db"
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    engine = make_engine(url)
    yield Database("sqlite", url, engine)
    await engine.dispose()


@pytest.fixture(scope="session")
async def pg_database() -> AsyncIterator[Database]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        _pg_unavailable("TEST_DATABASE_URL is not set")
    try:
        await asyncio.wait_for(upgrade(url), timeout=60)
    except (OSError, asyncio.TimeoutError) as exc:
        _pg_unavailable(f"{url}: {exc}")
    except Exception as exc:  # asyncpg's connection errors are not all OSError
        if "connect" not in str(exc).lower() and "does not exist" not in str(exc):
            raise
        _pg_unavailable(f"{url}: {exc}")
    # Room for the concurrency tests' twenty simultaneous transactions.
    engine = make_engine(url, pool_size=25, max_overflow=5)
    yield Database("postgres", url, engine)
    await engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend_database(request: pytest.FixtureRequest) -> Database:
    """The session's database for this run's backend (sync: getfixturevalue needs it)."""
    return request.getfixturevalue(
        "sqlite_database" if request.param == "sqlite" else "pg_database")


@pytest.fixture
async def db(backend_database: Database) -> Database:
    """A clean migrated database, once per backend."""
    await backend_database.wipe()
    return backend_database


@pytest.fixture
async def sqlite_db(sqlite_database: Database) -> Database:
    await sqlite_database.wipe()
    return sqlite_database


@pytest.fixture
async def pg_db(pg_database: Database) -> Database:
    await pg_database.wipe()
    return pg_database


class Factories:
    """Build shops, members, products and orders through the real services."""

    def __init__(self, database: Database) -> None:
        self.db = database
        self.last_token: str | None = None

    async def shop(self, slug: str | None = None, **kwargs: Any) -> Shop:
        slug = slug or f"shop-{uuid.uuid4().hex[:8]}"
        return await create_shop(self.db.uow(), slug, kwargs.pop("name", slug.title()), **kwargs)

    async def member(self, shop: Shop, role: str = "admin", name: str | None = None,
                     **kwargs: Any) -> Actor:
        made = await add_member(self.db.uow(), shop.slug, name or f"{role.title()} {shop.slug}",
                                role, **kwargs)
        self.last_token = made.token
        return actor_of(made.member)

    async def product(self, shop: Shop, sku: str = "PIZZA", name: str | None = None,
                      price: str | Decimal = "11.00", stock: int | None = None,
                      options: list[dict[str, Any]] | None = None,
                      aliases: Sequence[str] = ()) -> Product:
        async with self.db.uow() as uow:
            product = Product(id=uuid.uuid4(), shop_id=shop.id, sku=sku, name=name or sku.lower(),
                              price=Decimal(str(price)), stock=stock, options=options or [],
                              aliases=list(aliases), active=True)
            uow.session.add(product)
            await uow.commit()
        return product

    async def order(self, actor: Actor, lines: Sequence[tuple[str, int]] = (("PIZZA", 1),),
                    **kwargs: Any) -> Order:
        new = NewOrder(lines=[LineRequest(sku, qty) for sku, qty in lines], **kwargs)
        return await create_order(self.db.uow(), actor, new)


@pytest.fixture
def make(db: Database) -> Factories:
    return Factories(db)
