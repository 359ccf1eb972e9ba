"""A customer is found by channel identity with two unique-index lookups, whatever the planner
believes: no walk over the shop's customers. On PostgreSQL a prepared statement may run a
generic plan (made while the tables were small, or never analyzed); the join this lookup used
to be then read every customer of the shop for each incoming message."""
from __future__ import annotations

import json
import uuid

from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from orders.db import utcnow
from orders.models import Customer, CustomerIdentity
from orders.repository import CustomerRepository, customer_by_identity
from orders.services import create_shop

CUSTOMERS = 400


def _touched(plan: dict) -> int:
    """Rows read by every node of an EXPLAIN ANALYZE plan (rows x loops)."""
    own = plan.get("Actual Rows", 0) * plan.get("Actual Loops", 1)
    return own + sum(_touched(child) for child in plan.get("Plans", []))


async def _rows_touched(db, statement) -> int:
    """Run `statement` as a prepared statement on a generic plan; the rows its plan read."""
    compiled = statement.compile(dialect=postgresql.dialect())
    params = list(compiled.params.values())
    sql = str(compiled)
    for n, name in enumerate(compiled.params, start=1):
        sql = sql.replace(f"%({name})s", f"${n}")
    literals = ", ".join(f"'{value}'" for value in params)
    async with db.uow() as uow:
        await uow.session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
        await uow.session.execute(text(f"PREPARE lookup AS {sql}"))
        try:
            raw = await uow.session.scalar(
                text(f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE lookup({literals})"))
        finally:
            await uow.session.execute(text("DEALLOCATE lookup"))
    plan = raw if isinstance(raw, list) else json.loads(raw)
    return _touched(plan[0]["Plan"])


async def test_lookup_by_identity_reads_one_identity_and_one_customer(pg_db):
    shop = await create_shop(pg_db.uow(), f"plan-{uuid.uuid4().hex[:8]}", "Plan Shop")
    async with pg_db.uow() as uow:  # many customers, and no ANALYZE since
        for n in range(CUSTOMERS):
            customer = Customer(shop_id=shop.id, id=uuid.uuid4(), name=f"c{n}", created_at=utcnow())
            uow.session.add(customer)
            await uow.session.flush()
            uow.session.add(CustomerIdentity(shop_id=shop.id, id=uuid.uuid4(),
                                             customer_id=customer.id, channel="telegram",
                                             external_id=str(1000 + n), created_at=utcnow()))
        await uow.commit()

    async with pg_db.uow() as uow:
        found = await CustomerRepository(uow.session).by_identity(shop.id, "telegram", "1200")
    assert found is not None and found.name == "c200"

    lookup = customer_by_identity(shop.id, "telegram", "1200")
    assert await _rows_touched(pg_db, lookup) <= 3  # the old join read 801 rows here
