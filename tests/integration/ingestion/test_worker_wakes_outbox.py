"""The worker tells the serving process's outbox dispatcher as soon as it has committed a row,
so a seller card goes out at once rather than at the dispatcher's next idle look."""
from __future__ import annotations


async def test_each_committed_row_wakes_the_outbox(pizzeria):
    woken = []
    await pizzeria.deliver(pizzeria.message("two large ham pizzas"),
                           pizzeria.message("hi", sender="cust-2"))
    await pizzeria.worker(on_committed=lambda: woken.append(1)).drain()
    assert len(woken) == 2
