"""A button tap is claimed before a backlog of messages: someone is waiting on its answer."""
from __future__ import annotations

from datetime import timedelta

from ingestion import inbox


async def test_a_tap_behind_a_backlog_is_claimed_first(pizzeria):
    backlog = [pizzeria.message(f"{n} cokes", sender=f"c{n}") for n in range(1, 6)]
    tap = pizzeria.message("", kind="callback", data="a:xyz:sig", sender="1001")
    await pizzeria.deliver(*backlog)
    await pizzeria.deliver(tap)

    async with pizzeria.db.uow() as uow:
        first = await inbox.claim(uow.session, "w1", limit=2, lease=timedelta(seconds=30))
        second = await inbox.claim(uow.session, "w1", limit=2, lease=timedelta(seconds=30))
        await uow.commit()
    assert [row.external_id for row in first] == [tap.external_id]
    # Then the backlog (stored in one transaction, so its rows share one received_at).
    assert len(second) == 2 and {row.external_id for row in second} <= {m.external_id for m in backlog}
