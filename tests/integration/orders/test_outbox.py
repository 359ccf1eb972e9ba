"""The outbox bookkeeping a dispatcher relies on: leases, retries with backoff, dead letters."""
from __future__ import annotations

from datetime import timedelta

from orders.db import utcnow
from orders.services.outbox import claim_due, mark_failed, mark_sent


async def _one_message(db, make):
    shop = await make.shop()
    await make.product(shop)
    await make.order(await make.member(shop, "agent"))


async def test_claimed_message_is_leased_then_sent_once(db, make):
    await _one_message(db, make)
    async with db.uow() as uow:
        batch = await claim_due(uow)
        await uow.commit()
    assert [m.kind for m in batch] == ["order.created"]
    async with db.uow() as uow:
        assert await claim_due(uow) == []  # leased to the first dispatcher
    async with db.uow() as uow:
        await mark_sent(uow, batch[0])
        await uow.commit()
    async with db.uow() as uow:
        assert await claim_due(uow, now=utcnow() + timedelta(hours=2)) == []
        assert await uow.outbox.pending() == []


async def test_expired_lease_is_claimed_again(db, make):
    await _one_message(db, make)
    async with db.uow() as uow:
        await claim_due(uow)
        await uow.commit()
    async with db.uow() as uow:
        again = await claim_due(uow, now=utcnow() + timedelta(minutes=5))
    assert len(again) == 1 and again[0].attempts == 2


async def test_failures_back_off_then_go_dead(db, make):
    await _one_message(db, make)
    now = utcnow()
    for attempt in range(1, 4):
        async with db.uow() as uow:
            [message] = await claim_due(uow, now=now + timedelta(days=attempt))
            row = await mark_failed(uow, message, "HTTP 500", max_attempts=3,
                                    now=now + timedelta(days=attempt))
            await uow.commit()
    assert (row.status, row.attempts, row.last_error) == ("dead", 3, "HTTP 500")


async def test_retry_after_from_the_platform_is_honoured(db, make):
    await _one_message(db, make)
    async with db.uow() as uow:
        [message] = await claim_due(uow)
        row = await mark_failed(uow, message, "429", retry_in=timedelta(seconds=30))
        await uow.commit()
    assert row.status == "pending"
    assert timedelta(seconds=25) < row.next_attempt_at - utcnow() <= timedelta(seconds=30)
