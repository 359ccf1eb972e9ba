"""The migrations build the schema, take it all down again, and rebuild it, on both backends."""
from __future__ import annotations


from sqlalchemy import inspect

from orders.db import Base, make_engine
from orders.migrate import current_revision, downgrade, upgrade
import orders.models  # noqa: F401


async def _tables(url):
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_upgrade(empty_url):
    core = {t.name for t in Base.metadata.sorted_tables if t.name in orders_tables()}

    await upgrade(empty_url)
    assert core <= await _tables(empty_url)
    assert await current_revision(empty_url) is not None

    await downgrade(empty_url, "base")
    assert await _tables(empty_url) <= {"alembic_version"}
    assert await current_revision(empty_url) is None

    await upgrade(empty_url)
    assert core <= await _tables(empty_url)


def _ours(obj, name, type_, reflected, compare_to):
    # Other packages' tables are checked by their own tests.
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in orders_tables()


def orders_tables():
    return {"shops", "shop_counters", "members", "customers", "customer_identities", "products",
            "orders", "order_lines", "order_members", "order_tags", "payments", "restocks",
            "fulfillments", "fulfillment_lines", "order_history", "outbox"}


async def test_models_and_migrations_agree(db):
    """No model change without a migration: autogenerate finds nothing to do."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    async with db.engine.connect() as conn:
        diff = await conn.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c, opts={"include_object": _ours}),
                                       Base.metadata))
    assert diff == []
