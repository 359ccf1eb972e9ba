"""Issue 9's whole chain through both chats at once, as the people do it: the seller in Telegram
(/quote, Open order, Confirm, Request payment, Record payment, documents, Mark packed, Ship with
tracking, Deliver), the customer in Telegram (the claim code, Accept, "I paid", Received it), the
invoice PDF arriving as a document, and the warranty reminder fired by the sweep at the right
time (an injected clock), all through the webhook, the inbox, the handlers, the outbox
dispatcher and the Bot API stand-in."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.server import init_app
from bot.settings import BotSettings
from orders.models import Order, Product, Shop
from orders.services.sweeps import run_sweeps
from orders.services.warranties import warranties_of
from tests.e2e.conftest import BOT_TOKEN
from tests.e2e.test_seller_chat import CUSTOMER, MARIA, Chat, button, labels

OTHER_CUSTOMER = CUSTOMER + 1


@pytest.fixture
async def chat(aiohttp_client, pizzeria, make, telegram_api, graph_api):
    await make.member(pizzeria.shop, "manager", "Maria", telegram_user_id=MARIA)
    await make.product(pizzeria.shop, "OVEN", name="pizza oven", price="300.00", stock=3)
    async with pizzeria.db.uow() as uow:
        await uow.session.execute(update(Product).where(Product.sku == "OVEN")
                                  .values(warranty_months=12))
        shop = await uow.session.get(Shop, pizzeria.shop.id)
        shop.settings = {**(shop.settings or {}),
                         "payment_instructions": "Bank transfer to IBAN DE02 1203 0000 0000 2020 51."}
        await uow.commit()
    settings = BotSettings(TELEGRAM_API_BASE_URL=telegram_api.base_url,
                           GRAPH_API_BASE_URL=graph_api.base_url)
    client = await aiohttp_client(init_app(settings, pizzeria.db.session_factory, run_worker=False))
    chat = Chat(client, pizzeria, telegram_api, graph_api)
    yield chat
    await chat.close()


async def the_order(db) -> Order:
    async with db.uow() as uow:
        return await uow.session.scalar(select(Order).execution_options(populate_existing=True))


async def tap(chat: Chat, user: int, label: str) -> None:
    """`user` taps `label` on the last message the bot sent them."""
    message = chat.last_to(user)
    await chat.taps(user, message, button(message, label))


async def test_a_quote_goes_from_claim_code_to_invoice_and_warranty_reminder(chat):
    await chat.says(MARIA, "/quote a pizza oven")
    code = re.search(r"Claim code (\d{3}-\d{4}-\d{3})", chat.messages_to(MARIA)[-2]["text"]).group(1)

    await chat.says(CUSTOMER, f"hi, my code is {code}")
    claimed = chat.last_to(CUSTOMER)
    assert claimed["text"].startswith("Quote ORD-00001 is yours now") and labels(claimed) == ["Accept"]
    await chat.says(OTHER_CUSTOMER, code)
    assert "ORD-00001" not in chat.last_to(OTHER_CUSTOMER)["text"]
    assert (await the_order(chat.db)).status == "claimed"

    await tap(chat, CUSTOMER, "Accept")
    notice = chat.last_to(MARIA)
    assert notice["text"].startswith("Quote ORD-00001 was accepted")
    await tap(chat, MARIA, labels(notice)[0])  # Open order
    await tap(chat, MARIA, "Confirm")
    await tap(chat, MARIA, "Request payment")
    asked = chat.last_to(CUSTOMER)
    assert "IBAN DE02" in asked["text"] and labels(asked) == ["I paid"]

    await chat.says(CUSTOMER, "I paid")
    assert "says they paid" in chat.last_to(MARIA)["text"]
    await tap(chat, MARIA, labels(chat.last_to(MARIA))[0])  # Open order
    await tap(chat, MARIA, "Record payment")
    await chat.says(MARIA, "300")
    await tap(chat, MARIA, "Invoice URL")
    await chat.says(MARIA, "https://luigis.example/inv/1.pdf")
    await tap(chat, MARIA, "Label URL")
    await chat.says(MARIA, "https://luigis.example/label/1.pdf")
    await tap(chat, MARIA, "Mark packed")
    await tap(chat, MARIA, "Ship")
    await chat.says(MARIA, "UPS 1Z999AA10123456784")
    assert "1Z999AA10123456784" in chat.last_to(CUSTOMER)["text"]
    await tap(chat, MARIA, "Deliver")

    await tap(chat, CUSTOMER, "Received it")
    done = await the_order(chat.db)
    assert (done.status, done.financial_status, done.invoice_number) == ("completed", "paid",
                                                                         "INV-00001")
    assert done.fulfillment_status == "fulfilled"  # Ship recorded the shipment with its tracking
    [document] = chat.api.documents(BOT_TOKEN)
    assert document["chat_id"] == str(CUSTOMER) and document["content"].startswith(b"%PDF")

    # The warranty (12 months) is reminded 30 days before it ends: not a day earlier, and once.
    [warranty] = await warranties_of(chat.db.uow(), done.shop_id, done.id)
    ends = warranty.ends_at
    assert warranty.starts_at == done.completed_at and ends.year == done.completed_at.year + 1
    before = len(chat.messages_to(CUSTOMER))
    for now in (ends - timedelta(days=31), ends - timedelta(days=29), ends - timedelta(days=28)):
        await run_sweeps(chat.db.uow, now=now)
        await chat.settle()
    reminders = chat.messages_to(CUSTOMER)[before:]
    assert len(reminders) == 1 and reminders[0]["text"].startswith(
        "The warranty on pizza oven from your order ORD-00001 ends on")
