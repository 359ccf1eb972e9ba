"""The Bot API answering 429 and 500 for a while during a burst of customer notifications.

Two dispatchers (as two `orderbot serve` processes would run) work one PostgreSQL outbox through
the real python-telegram-bot client and our own pacing, against the Bot API stand-in scripted to
answer its first sendMessage calls with alternating runs of 429 (retry_after 1 s) and 500. In the
end the outbox has caught up: every row is sent, none is dead, and the stand-in recorded exactly
one successful sendMessage per row (its chat and text), so nothing was lost or doubled.
"""
from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest
from sqlalchemy import select

from bot.models import TELEGRAM
from bot.outbox.dispatcher import OutboxDispatcher, Senders
from bot.outbox.graph import GraphSender
from bot.outbox.telegram import TelegramSender
from bot.webhooks import channels
from orders.models import OutboxMessage
from tests.conftest import Factories
from tests.e2e.conftest import BOT_TOKEN, TELEGRAM_SECRET
from tests.standins.telegram_api import StandIn

pytestmark = pytest.mark.postgres

CHATS = 20            # customers
PER_CHAT = 3          # notifications each: 60 rows in one burst
FAULTS = [(429, 6), (500, 6), (429, 6), (500, 6)]   # the first 24 sendMessage calls fail
CATCH_UP_LIMIT = 60.0  # seconds


async def outbox(db) -> list[OutboxMessage]:
    async with db.uow() as uow:
        return list(await uow.session.scalars(select(OutboxMessage)))


async def test_outbox_catches_up_after_429s_and_500s_with_each_message_sent_once(pg_db):
    make = Factories(pg_db)
    shop = await make.shop("faults")
    await channels.save(pg_db.uow(), "faults", TELEGRAM,
                        channels.telegram_credentials(BOT_TOKEN, TELEGRAM_SECRET))
    expected: Counter[tuple[str, str]] = Counter()
    async with pg_db.uow() as uow:
        for chat in range(CHATS):
            for i in range(PER_CHAT):
                number = f"ORD-{chat:03d}{i:02d}"
                uow.outbox.add(shop.id, "order.status_changed", str(7000 + chat),
                               {"order_number": number, "status": "confirmed"},
                               channel=TELEGRAM, idempotency_key=f"faults:{number}")
                expected[(str(7000 + chat),
                          f"Good news: the shop confirmed your order {number}.")] += 1
        await uow.commit()

    async with StandIn() as api:
        for status, times in FAULTS:
            if status == 429:
                api.rate_limit("sendMessage", times=times, retry_after=1)
            else:
                api.fail("sendMessage", times=times, status=status)
        dispatchers = [OutboxDispatcher(pg_db.session_factory, Senders(
            TelegramSender(api.base_url), GraphSender("http://127.0.0.1:9/graph")),
            first_retry=0.2, last_retry=2.0, idle_wait=0.05) for _ in range(2)]
        tasks = [asyncio.create_task(d.run()) for d in dispatchers]
        started = time.monotonic()
        while time.monotonic() - started < CATCH_UP_LIMIT:
            if all(row.status != "pending" for row in await outbox(pg_db)):
                break
            await asyncio.sleep(0.2)
        for d in dispatchers:
            await d.stop()
        await asyncio.wait_for(asyncio.gather(*tasks), 10)
        for d in dispatchers:
            await d.senders.close()
        calls = api.calls_of("sendMessage")

    rows = await outbox(pg_db)
    assert Counter(row.status for row in rows) == {"sent": CHATS * PER_CHAT}, \
        f"not caught up in {CATCH_UP_LIMIT:g} s"
    delivered = Counter((str(c.params["chat_id"]), c.params["text"])
                        for c in calls if c.status == 200)
    assert delivered == expected  # each row's message exactly once, none lost, none doubled
    failed = Counter(c.status for c in calls if c.status != 200)
    assert failed == {429: 12, 500: 12}  # the faults really happened
    assert any(row.attempts > 1 for row in rows)  # 500s were retried with backoff
