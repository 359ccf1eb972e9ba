"""The made-to-order flows from the seller's chat (issue 9), end to end through the webhook, the
inbox, the python-telegram-bot handlers and the Bot API stand-in: a quote with a claim code,
production stages, the packing checklist with a photo, a payment request, shipping with a
tracking number (and a change of it), and an invoice issued by hand."""
from __future__ import annotations

import itertools
import re
import time

import pytest
from sqlalchemy import select

from orders.models import Order, Shop
from tests.e2e.test_seller_chat import MARIA, Chat, button, labels
from tests.standins.graph_api import GraphStandIn
from tests.standins.telegram_api import StandIn
from bot.server import init_app
from bot.settings import BotSettings

_photos = itertools.count(1)


@pytest.fixture
async def chat(aiohttp_client, pizzeria, make):
    await make.member(pizzeria.shop, "manager", "Maria", telegram_user_id=MARIA)
    async with pizzeria.db.uow() as uow:
        shop = await uow.session.get(Shop, pizzeria.shop.id)
        shop.settings = {**(shop.settings or {}), "stages": ["baking", "ready"],
                         "packing_checklist": ["box sealed", {"name": "photo of the pizza",
                                                              "photo": True}]}
        await uow.commit()
    async with StandIn() as api, GraphStandIn() as graph:
        settings = BotSettings(TELEGRAM_API_BASE_URL=api.base_url, GRAPH_API_BASE_URL=graph.base_url)
        client = await aiohttp_client(init_app(settings, pizzeria.db.session_factory,
                                               run_worker=False))
        chat = Chat(client, pizzeria, api, graph)
        yield chat
        await chat.close()


async def the_order(db) -> Order:
    async with db.uow() as uow:
        return await uow.session.scalar(select(Order))


async def sends_photo(chat: Chat, user: int) -> str:
    n = next(_photos)
    await chat.post({"message": {
        "message_id": 9000 + n, "date": int(time.time()),
        "chat": {"id": user, "type": "private", "first_name": "M"},
        "from": {"id": user, "is_bot": False, "first_name": "Maria"},
        "photo": [{"file_id": f"small-{n}", "file_unique_id": f"s{n}", "width": 90, "height": 90},
                  {"file_id": f"large-{n}", "file_unique_id": f"l{n}", "width": 800, "height": 800}]}})
    return f"large-{n}"  # the biggest size is kept


async def test_quote_to_invoice_from_the_sellers_chat(chat):
    await chat.says(MARIA, "/quote 2 large pepperoni pizzas")
    made = chat.messages_to(MARIA)[-2]["text"]
    assert made.startswith("Quote ORD-00001: 2x large pepperoni pizza, total $")
    code = re.search(r"Claim code (\d{3}-\d{4}-\d{3})", made).group(1)
    assert (await the_order(chat.db)).claim_code == code
    quote = chat.last_to(MARIA)
    assert quote["text"].startswith("ORD-00001: quote") and labels(quote) == ["Confirm", "Cancel", "History"]

    await chat.taps(MARIA, quote, button(quote, "Confirm"))
    card = chat.last_to(MARIA)
    assert card["text"].startswith("ORD-00001: confirmed")
    assert {"Stage: baking", "Tick: box sealed", "Tick: photo of the pizza", "Request payment",
            "Issue invoice"} <= set(labels(card))

    await chat.taps(MARIA, card, button(card, "Invoice URL"))
    await chat.says(MARIA, "https://luigis.example/inv/1.pdf")
    await chat.taps(MARIA, chat.last_to(MARIA), button(chat.last_to(MARIA), "Label URL"))
    await chat.says(MARIA, "https://luigis.example/label/1.pdf")
    card = chat.last_to(MARIA)
    await chat.taps(MARIA, card, button(card, "Mark packed"))
    assert "before its last production stage" in chat.last_answer()["text"]
    await chat.taps(MARIA, card, button(card, "Stage: baking"))
    assert chat.last_answer()["text"] == "ORD-00001 is now at stage baking."
    assert "Stage: ready" in labels(card)  # the tapped message is redrawn
    await chat.taps(MARIA, card, button(card, "Stage: ready"))
    assert not any(label.startswith("Stage:") for label in labels(card))
    await chat.taps(MARIA, card, button(card, "Mark packed"))
    refusal = chat.last_answer()["text"]
    assert "box sealed" in refusal and "photo of the pizza" in refusal
    assert (await the_order(chat.db)).status == "confirmed"

    await chat.taps(MARIA, card, button(card, "Tick: box sealed"))
    await chat.taps(MARIA, card, button(card, "Tick: photo of the pizza"))
    assert chat.last_to(MARIA)["text"].startswith('Send the photo for "photo of the pizza"')
    await chat.says(MARIA, "here it is")  # words, not a photo: asked again
    assert chat.last_to(MARIA)["text"] == "Send a photo (as a picture, not a file)."
    photo = await sends_photo(chat, MARIA)
    order = await the_order(chat.db)
    assert order.checklist["photo of the pizza"]["photo"] == photo and order.stage == "ready"

    card = chat.last_to(MARIA)
    await chat.taps(MARIA, card, button(card, "Request payment"))
    assert (await the_order(chat.db)).financial_status == "awaiting_payment"
    assert "Withdraw payment request" in labels(card)
    await chat.taps(MARIA, card, button(card, "Mark packed"))
    assert (await the_order(chat.db)).status == "packed"

    await chat.taps(MARIA, card, button(card, "Ship"))
    await chat.says(MARIA, "UPS 1Z999AA10123456784")
    card = chat.last_to(MARIA)
    assert card["text"].startswith("ORD-00001: shipped")
    await chat.taps(MARIA, card, button(card, "Change tracking"))
    await chat.says(MARIA, "DHL 4711")
    order = await the_order(chat.db)
    assert (order.status, order.carrier, order.tracking_number) == ("shipped", "DHL", "4711")

    card = chat.last_to(MARIA)
    await chat.taps(MARIA, card, button(card, "Issue invoice"))
    assert chat.last_answer()["text"] == "Invoice INV-00001 issued and sent."
    assert (await the_order(chat.db)).invoice_number == "INV-00001"
    assert "Issue invoice" not in labels(card)
