"""The worker tells the serving process's outbox dispatcher as soon as it has committed a row,
so a seller card goes out at once rather than at the dispatcher's next idle look."""
from __future__ import annotations

from sqlalchemy import func, select

from ingestion.models import Draft


async def test_each_committed_row_wakes_the_outbox(pizzeria):
    woken = []
    await pizzeria.deliver(pizzeria.message("two large ham pizzas"),
                           pizzeria.message("hi", sender="cust-2"))
    await pizzeria.worker(on_committed=lambda: woken.append(1)).drain()
    assert len(woken) == 2


async def test_while_webhooks_are_busy_each_row_gives_way_but_is_still_processed(pizzeria):
    looks = []

    def busy() -> bool:
        looks.append(1)
        return True  # requests never stop: the worker must not starve

    await pizzeria.deliver(pizzeria.message("two large ham pizzas"),
                           pizzeria.message("a coke", sender="cust-2"))
    await pizzeria.worker(busy=busy, max_yield=0.05).drain()
    async with pizzeria.db.uow() as uow:
        drafts = await uow.session.scalar(select(func.count()).select_from(Draft))
    assert drafts == 2
    assert len(looks) >= 2 * 5  # it looked again and again before taking each row
