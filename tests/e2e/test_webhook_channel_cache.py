"""The Telegram webhook's cached channel lookup: one database read per shop per few seconds,
a secret rotated by `orderbot channel add` is accepted at once, the old one stops working
within the cache's lifetime, and an unknown shop is never remembered."""
from __future__ import annotations

import asyncio

from bot.models import TELEGRAM
from bot.webhooks import channels, intake
from tests.e2e.conftest import BOT_TOKEN, SLUG, TELEGRAM_SECRET, payload

NEW_SECRET = "tg-rotated-secret_9876543210"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def post(client, update_id: int, secret: str, slug: str = SLUG):
    update = payload("telegram/message.json") | {"update_id": update_id}
    return await client.post(f"/webhooks/telegram/{slug}", json=update,
                             headers={"X-Telegram-Bot-Api-Secret-Token": secret})


async def test_many_requests_read_the_channel_once(client, pizzeria):
    endpoints = client.app[intake.TELEGRAM_ENDPOINTS]
    answers = await asyncio.gather(*(post(client, 900 + i, TELEGRAM_SECRET) for i in range(20)))
    assert [a.status for a in answers] == [200] * 20
    assert endpoints.reads == 1
    assert await pizzeria.inbox_count() == 20


async def test_a_rotated_secret_is_accepted_at_once_and_the_old_one_expires(client, pizzeria):
    endpoints = client.app[intake.TELEGRAM_ENDPOINTS]
    endpoints.clock = clock = Clock()
    assert (await post(client, 1, TELEGRAM_SECRET)).status == 200

    await channels.save(pizzeria.db.uow(), SLUG, TELEGRAM,
                        channels.telegram_credentials(BOT_TOKEN, NEW_SECRET))
    assert (await post(client, 2, NEW_SECRET)).status == 200       # re-read on the mismatch
    clock.now += endpoints.ttl + 0.1
    assert (await post(client, 3, TELEGRAM_SECRET)).status == 401  # the old one is gone
    assert (await post(client, 4, "not-the-secret")).status == 401
    assert await pizzeria.inbox_count() == 2


async def test_the_old_secret_works_only_within_the_cache_lifetime(client, pizzeria):
    endpoints = client.app[intake.TELEGRAM_ENDPOINTS]
    endpoints.clock = clock = Clock()
    assert (await post(client, 1, TELEGRAM_SECRET)).status == 200
    await channels.save(pizzeria.db.uow(), SLUG, TELEGRAM,
                        channels.telegram_credentials(BOT_TOKEN, NEW_SECRET))
    clock.now += endpoints.ttl - 1
    assert (await post(client, 2, TELEGRAM_SECRET)).status == 200  # still cached
    clock.now += 1.1
    assert (await post(client, 3, TELEGRAM_SECRET)).status == 401


async def test_a_shop_that_gets_its_channel_later_is_served_at_once(client, make, pizzeria):
    endpoints = client.app[intake.TELEGRAM_ENDPOINTS]
    await make.shop("marios")
    assert (await post(client, 1, NEW_SECRET, slug="marios")).status == 404
    await channels.save(make.db.uow(), "marios", TELEGRAM,
                        channels.telegram_credentials("7099999999:AAF-marios-token", NEW_SECRET))
    assert (await post(client, 1, NEW_SECRET, slug="marios")).status == 200
    assert endpoints.reads == 2
