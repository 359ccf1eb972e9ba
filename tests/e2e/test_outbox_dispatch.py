"""The outbox dispatcher end to end: rows written by the real services, sent by the real
python-telegram-bot client to the Bot API stand-in and by aiohttp to the Graph API stand-in."""
from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.outbox import callbacks
from bot.outbox.dispatcher import OutboxDispatcher, Senders
from bot.outbox.graph import GraphSender, instagram_body, whatsapp_body
from bot.outbox.models import CardDelivery
from bot.outbox.telegram import Limits, TelegramSender
from bot.server import init_app
from bot.settings import BotSettings
from ingestion import inbox
from ingestion.drafts.service import approve_draft
from ingestion.inbox import IncomingMessage
from ingestion.worker import InboxWorker
from orders.db import utcnow
from orders.models import OutboxMessage, Shop
from orders.services import claim_due
from tests.e2e.conftest import (
    BOT_TOKEN,
    IG_ACCOUNT_ID,
    TELEGRAM_SECRET,
    WA_PHONE_NUMBER_ID,
)

FAST = Limits(per_chat=(1000.0, 1.0), per_group=(1000.0, 20.0), overall=(1000.0, 30.0))
SELLER_CHATS = {"1001", "1002", "-100500"}
CUSTOMER = "555"


@pytest.fixture
async def shop(pizzeria, make):
    """The pizzeria with two sellers on Telegram, one seller without, and a seller group."""
    await make.member(pizzeria.shop, "agent", "Dana", telegram_user_id=1001)
    await make.member(pizzeria.shop, "manager", "Maria", telegram_user_id=1002)
    await make.member(pizzeria.shop, "viewer", "Vic")
    async with pizzeria.db.uow() as uow:
        row = await uow.session.get(Shop, pizzeria.shop.id)
        row.settings = {**(row.settings or {}), "seller_group_chat_id": -100500}
        await uow.commit()
    return pizzeria


def dispatcher(db, telegram_api, graph_api, limits: Limits = FAST, **kwargs) -> OutboxDispatcher:
    senders = Senders(TelegramSender(telegram_api.base_url, limits=limits),
                      GraphSender(graph_api.base_url))
    return OutboxDispatcher(db.session_factory, senders, first_retry=0.05, **kwargs)


async def settle(db, *dispatchers: OutboxDispatcher, timeout: float = 5.0) -> None:
    """Run the dispatchers until no row is pending (or the timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and await rows(db, status="pending"):
        done = await asyncio.gather(*(d.run_once() for d in dispatchers))
        if not any(done):
            await asyncio.sleep(0.01)
    for d in dispatchers:
        await d.senders.close()


async def rows(db, **where) -> list[OutboxMessage]:
    async with db.uow() as uow:
        query = select(OutboxMessage).order_by(OutboxMessage.created_at)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return list(await uow.session.scalars(query))


async def customer_writes(db, shop, channel: str, chat: str, text: str) -> None:
    async with db.uow() as uow:
        await inbox.store(uow.session, [IncomingMessage(
            shop.id, channel, f"{channel}-{chat}-{time.monotonic_ns()}", "text",
            {"kind": "text", "sender": chat, "chat": chat, "sender_name": "Ann", "text": text})])
        await uow.commit()
    await InboxWorker(db.session_factory, idle_wait=0.01).drain()


async def enqueue(db, shop, n: int = 1, chat: str = CUSTOMER, channel: str = "telegram") -> None:
    async with db.uow() as uow:
        for i in range(n):
            uow.outbox.add(shop.id, "order.status_changed", chat,
                           {"order_number": f"ORD-{i:05d}", "status": "confirmed"},
                           channel=channel, idempotency_key=f"test:{chat}:{i}")
        await uow.commit()


def ok_sends(api, chat: str | None = None):
    return [c for c in api.calls_of("sendMessage")
            if c.status == 200 and chat in (None, str(c.params["chat_id"]))]


async def test_customer_message_sends_a_card_to_each_seller_chat_and_a_summary_to_the_customer(
        shop, telegram_api, graph_api):
    await customer_writes(shop.db, shop.shop, "telegram", CUSTOMER, "two large pepperoni pizzas")
    await settle(shop.db, dispatcher(shop.db, telegram_api, graph_api))

    cards = [c for c in ok_sends(telegram_api) if str(c.params["chat_id"]) in SELLER_CHATS]
    assert {str(c.params["chat_id"]) for c in cards} == SELLER_CHATS and len(cards) == 3
    draft = (await shop.drafts())[0]
    for card in cards:
        assert card.params["text"].startswith("New order draft from Ann via Telegram")
        buttons = card.params["reply_markup"]["inline_keyboard"][0]
        assert [b["text"] for b in buttons] == ["Approve", "Edit", "Reject"]
        for button, action in zip(buttons, ("a", "e", "r"), strict=True):
            assert len(button["callback_data"].encode()) <= 64
            assert str(draft.id) not in button["callback_data"]
            assert callbacks.verify(TELEGRAM_SECRET, button["callback_data"]) == (action, draft.id)
    [summary] = ok_sends(telegram_api, CUSTOMER)
    assert summary.params["text"].startswith("Got it: 2")
    assert {r.status for r in await rows(shop.db)} == {"sent"}
    parent = [r for r in await rows(shop.db) if r.recipient == "sellers"]
    assert len(parent) == 1 and len(await rows(shop.db, kind="draft.created")) == 4


async def test_decided_card_is_edited_in_place_in_every_seller_chat(shop, telegram_api, graph_api, make):
    await customer_writes(shop.db, shop.shop, "telegram", CUSTOMER, "two large pepperoni pizzas")
    await settle(shop.db, dispatcher(shop.db, telegram_api, graph_api))
    async with shop.db.uow() as uow:
        assert len(list(await uow.session.scalars(select(CardDelivery)))) == 3
    dana = await make.member(shop.shop, "agent", "Dana B")
    await approve_draft(shop.db.uow(), dana, (await shop.drafts())[0].id)

    await settle(shop.db, dispatcher(shop.db, telegram_api, graph_api))

    edits = [c for c in telegram_api.calls_of("editMessageText") if c.status == 200]
    assert {str(c.params["chat_id"]) for c in edits} == SELLER_CHATS and len(edits) == 3
    seller_messages = [m for m in telegram_api.sent(BOT_TOKEN) if str(m["chat"]["id"]) in SELLER_CHATS]
    assert len(seller_messages) == 3  # edited, not sent anew
    for message in seller_messages:
        assert "Approved by Dana B as ORD-" in message["text"]
        assert message["text"].startswith("New order draft from Ann")


async def test_whatsapp_and_instagram_replies_reach_the_graph_api_in_their_shapes(
        shop, telegram_api, graph_api):
    await customer_writes(shop.db, shop.shop, "whatsapp", "15551234567", "two large pepperoni pizzas")
    await customer_writes(shop.db, shop.shop, "instagram", "998877", "hello")
    await settle(shop.db, dispatcher(shop.db, telegram_api, graph_api))

    wa, ig = graph_api.ok()
    assert wa.path == f"/{WA_PHONE_NUMBER_ID}/messages" and wa.authorization == "Bearer wa-access-token"
    assert wa.json["messaging_product"] == "whatsapp" and wa.json["to"] == "15551234567"
    assert wa.json["type"] == "text" and wa.json["text"]["body"].startswith("Got it: 2")
    assert ig.path == f"/{IG_ACCOUNT_ID}/messages" and ig.authorization == "Bearer ig-access-token"
    assert ig.json["recipient"] == {"id": "998877"} and ig.json["message"]["text"].startswith("Hi!")
    assert {r.status for r in await rows(shop.db)} == {"sent"}


def test_graph_bodies_respect_the_platform_limits():
    long = "pizza " * 400 + "é" * 10
    assert len(instagram_body("1", long)["message"]["text"].encode()) <= 1000
    body = whatsapp_body("1", "Pick one", [("Approve this order now", "a"), ("B", "b"),
                                           ("C", "c"), ("D", "d")])
    buttons = body["interactive"]["action"]["buttons"]
    assert len(buttons) == 3 and all(len(b["reply"]["title"]) <= 20 for b in buttons)


def test_a_tampered_callback_is_refused():
    data = callbacks.sign(TELEGRAM_SECRET, "a", "6f1c1b7e-8a0e-4d5e-9a53-0f6a4cbd1b2e")
    forged = "r" + data[1:]
    with pytest.raises(callbacks.ForgedCallback):
        callbacks.verify(TELEGRAM_SECRET, forged)
    with pytest.raises(callbacks.ForgedCallback):
        callbacks.verify("another-shop-secret", data)


async def test_a_429_is_waited_out_without_counting_as_a_failure(shop, telegram_api, graph_api):
    telegram_api.rate_limit("sendMessage", times=1, retry_after=1)
    await enqueue(shop.db, shop.shop)
    d = dispatcher(shop.db, telegram_api, graph_api)
    before = utcnow()
    await d.run_once()
    [row] = await rows(shop.db)
    assert row.status == "pending" and row.attempts == 0 and "429" in row.last_error
    assert row.next_attempt_at >= before + timedelta(seconds=1)
    assert await d.run_once() == 0  # not before retry_after
    await asyncio.sleep(1.05)
    await settle(shop.db, d)
    [row] = await rows(shop.db)
    assert row.status == "sent" and row.attempts == 1
    assert [c.status for c in telegram_api.calls_of("sendMessage")] == [429, 200]


async def test_5xx_is_retried_with_backoff(shop, telegram_api, graph_api):
    telegram_api.fail("sendMessage", times=2, status=500)
    graph_api.fail(times=1, status=503)
    await enqueue(shop.db, shop.shop)
    await enqueue(shop.db, shop.shop, chat="15551234567", channel="whatsapp")
    await settle(shop.db, dispatcher(shop.db, telegram_api, graph_api))
    tg, wa = await rows(shop.db)
    assert (tg.status, tg.attempts) == ("sent", 3) and (wa.status, wa.attempts) == ("sent", 2)
    assert [c.status for c in telegram_api.calls_of("sendMessage")] == [500, 500, 200]


async def test_a_400_is_dead_at_once_with_its_error(shop, telegram_api, graph_api):
    telegram_api.fail("sendMessage", times=1, status=400)
    graph_api.fail(times=1, status=400)
    await enqueue(shop.db, shop.shop)
    await enqueue(shop.db, shop.shop, chat="998877", channel="instagram")
    await settle(shop.db, dispatcher(shop.db, telegram_api, graph_api))
    tg, ig = await rows(shop.db)
    assert (tg.status, tg.attempts) == ("dead", 1) and tg.last_error.startswith("Telegram refused")
    assert (ig.status, ig.attempts) == ("dead", 1) and "scripted 400" in ig.last_error
    assert len(telegram_api.calls_of("sendMessage")) == 1 and len(graph_api.calls) == 1


async def test_a_burst_to_one_chat_is_queued_at_the_chat_rate_not_dropped(shop, telegram_api, graph_api):
    await enqueue(shop.db, shop.shop, n=30)
    limits = Limits(per_chat=(60.0, 1.0), per_group=(1000.0, 20.0), overall=(1000.0, 30.0))
    started = time.monotonic()
    await settle(shop.db, dispatcher(shop.db, telegram_api, graph_api, limits=limits))
    assert time.monotonic() - started >= 29 / 60 * 0.9  # paced at the (test's) 60/s per chat
    sent = ok_sends(telegram_api, CUSTOMER)
    assert len(sent) == 30 == len(telegram_api.calls_of("sendMessage"))
    assert {c.params["text"] for c in sent} == {
        f"Good news: the shop confirmed your order ORD-{i:05d}." for i in range(30)}
    assert {(r.status, r.attempts) for r in await rows(shop.db)} == {("sent", 1)}


async def test_nothing_is_sent_twice_with_two_dispatchers(shop, telegram_api, graph_api):
    await enqueue(shop.db, shop.shop, n=8)
    await enqueue(shop.db, shop.shop, n=4, chat="15551234567", channel="whatsapp")
    await customer_writes(shop.db, shop.shop, "telegram", "777", "two large pepperoni pizzas")
    await settle(shop.db, dispatcher(shop.db, telegram_api, graph_api),
                 dispatcher(shop.db, telegram_api, graph_api))
    sends = [(str(c.params["chat_id"]), c.params["text"]) for c in ok_sends(telegram_api)]
    assert len(sends) == len(set(sends)) == 8 + 3 + 1
    assert len(graph_api.ok()) == 4
    assert len(telegram_api.calls_of("sendMessage")) == 12  # no retries were needed either


async def test_rows_in_flight_at_a_crash_are_sent_after_their_lease(shop, telegram_api, graph_api):
    await enqueue(shop.db, shop.shop, n=3)
    async with shop.db.uow() as uow:  # a dispatcher claims them, then its process dies
        assert len(await claim_due(uow, lease=timedelta(seconds=0.3))) == 3
        await uow.commit()
    d = dispatcher(shop.db, telegram_api, graph_api)
    assert await d.run_once() == 0  # still leased
    await asyncio.sleep(0.35)
    await settle(shop.db, d)
    assert {(r.status, r.attempts) for r in await rows(shop.db)} == {("sent", 2)}
    assert len(ok_sends(telegram_api)) == 3


async def test_the_server_runs_the_dispatcher_and_flushes_on_stop(shop, telegram_api, graph_api,
                                                                  aiohttp_client):
    settings = BotSettings(TELEGRAM_API_BASE_URL=telegram_api.base_url,
                           GRAPH_API_BASE_URL=graph_api.base_url)
    client = await aiohttp_client(init_app(settings, shop.db.session_factory))
    await enqueue(shop.db, shop.shop, n=2)
    for _ in range(200):
        if len(ok_sends(telegram_api)) == 2:
            break
        await asyncio.sleep(0.02)
    await enqueue(shop.db, shop.shop, n=1, chat="556")
    await client.close()  # graceful stop: what is due is flushed
    assert len(ok_sends(telegram_api)) == 3
    assert {r.status for r in await rows(shop.db)} == {"sent"}


async def test_a_row_failing_every_time_is_dead_after_max_attempts(shop, telegram_api, graph_api):
    telegram_api.fail("sendMessage", times=10, status=502)
    await enqueue(shop.db, shop.shop)
    await settle(shop.db, dispatcher(shop.db, telegram_api, graph_api, max_attempts=3))
    [row] = await rows(shop.db)
    assert (row.status, row.attempts) == ("dead", 3) and row.last_error.startswith("Telegram: ")
    assert len(telegram_api.calls_of("sendMessage")) == 3


async def test_the_dispatcher_keeps_running_when_the_database_fails(shop, telegram_api, graph_api,
                                                                     monkeypatch):
    d = dispatcher(shop.db, telegram_api, graph_api, idle_wait=0.01)
    real, failures = d.run_once, []

    async def flaky() -> int:
        if len(failures) < 1:
            failures.append(1)
            raise ConnectionRefusedError("database down")
        return await real()
    monkeypatch.setattr(d, "run_once", flaky)
    await enqueue(shop.db, shop.shop)
    task = asyncio.create_task(d.run())
    for _ in range(300):
        if ok_sends(telegram_api):
            break
        await asyncio.sleep(0.01)
    await d.stop()
    await asyncio.wait_for(task, 5)
    await d.senders.close()
    assert failures and len(ok_sends(telegram_api)) == 1


async def test_a_graph_api_timeout_is_retried(shop, telegram_api, graph_api):
    graph_api.stall(times=1, seconds=0.5)
    await enqueue(shop.db, shop.shop, chat="15551234567", channel="whatsapp")
    d = OutboxDispatcher(shop.db.session_factory,
                         Senders(TelegramSender(telegram_api.base_url, limits=FAST),
                                 GraphSender(graph_api.base_url, timeout=0.2)), first_retry=0.05)
    await settle(shop.db, d)
    [row] = await rows(shop.db)
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(graph_api.ok()) == 1


async def test_a_decision_waits_for_the_card_it_edits(shop, telegram_api, graph_api, make):
    await customer_writes(shop.db, shop.shop, "telegram", CUSTOMER, "two large pepperoni pizzas")
    dana = await make.member(shop.shop, "agent", "Dana B")
    await approve_draft(shop.db.uow(), dana, (await shop.drafts())[0].id)
    telegram_api.fail("sendMessage", times=3, status=500)  # some first cards must be retried

    await settle(shop.db, dispatcher(shop.db, telegram_api, graph_api))

    for chat in SELLER_CHATS:
        [message] = [m for m in telegram_api.sent(BOT_TOKEN) if str(m["chat"]["id"]) == chat]
        assert "Approved by Dana B" in message["text"] and not message.get("reply_markup")
