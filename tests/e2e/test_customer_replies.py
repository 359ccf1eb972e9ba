"""What customers see, end to end: messages through the real webhooks, the inbox worker, the
real services and the outbox dispatcher, sent to the Bot API and Graph API stand-ins.

WhatsApp questions with a few answers come with reply buttons (or a list), and the tap amends
the same draft; a Spanish shop answers in Spanish; Instagram replies stay within 1,000 bytes;
status changes and "where is my order?" reach the customer in the channel they wrote from."""
from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import INSTAGRAM, WHATSAPP
from bot.outbox.dispatcher import OutboxDispatcher, Senders
from bot.outbox.graph import GraphSender
from bot.outbox.telegram import Limits, TelegramSender
from bot.webhooks import channels
from ingestion.drafts.service import approve_draft, reject_draft
from orders.models import OutboxMessage
from orders.services import fulfill_order, get_order, transition_order
from tests.e2e.conftest import (
    BOT_TOKEN,
    CATALOG,
    IG_ACCOUNT_ID,
    IG_APP_SECRET,
    TELEGRAM_SECRET,
    WA_APP_SECRET,
    WA_PHONE_NUMBER_ID,
    meta_post,
)

FAST = Limits(per_chat=(1000.0, 1.0), per_group=(1000.0, 20.0), overall=(1000.0, 30.0))
SOL_WA_ID, SOL_WA_SECRET = "208000000000001", "sol-wa-app-secret-0123456789"
SOL_IG_ID, SOL_IG_SECRET = "17841400000000777", "sol-ig-app-secret-0123456789"
_ids = itertools.count(1)


@pytest.fixture
async def panaderia(pizzeria, make):
    """A Spanish bakery (language es, EUR) on its own WhatsApp number and Instagram account,
    beside the pizzeria; its ice cream comes in five flavours, one of which must be chosen."""
    shop = await make.shop("panaderia-sol", name="Panadería Sol", currency="EUR", region="ES",
                           language="es")
    catalog = json.loads((CATALOG.parent / "panaderia.json").read_text(encoding="utf-8"))
    for product in catalog["products"]:
        await make.product(shop, sku=product["sku"], name=product["name"], price="2.50",
                           options=product.get("options", []), aliases=product.get("aliases", []))
    flavours = [{"code": c.upper(), "name": c} for c in ("fresa", "vainilla", "limón", "pistacho", "turrón")]
    await make.product(shop, sku="HELADO", name="helado", price="3.00",
                       options=[{"group": "sabor", "choose": "one", "required": True, "values": flavours}])
    await channels.save(make.db.uow(), shop.slug, WHATSAPP, channels.meta_credentials(
        WHATSAPP, SOL_WA_ID, SOL_WA_SECRET, "sol-wa-token", "sol-verify"))
    await channels.save(make.db.uow(), shop.slug, INSTAGRAM, channels.meta_credentials(
        INSTAGRAM, SOL_IG_ID, SOL_IG_SECRET, "sol-ig-token"))
    return shop


# ---- the customer's side of each platform --------------------------------------------------

def whatsapp_envelope(phone_number_id: str, wa_id: str, message: dict[str, Any]) -> dict[str, Any]:
    return {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": phone_number_id},
            "contacts": [{"profile": {"name": "Carla"}, "wa_id": wa_id}],
            "messages": [{"from": wa_id, "id": f"wamid.TEST{next(_ids):08d}",
                          "timestamp": "1763921000", **message}]}}]}]}


async def whatsapp_says(client, text: str, wa_id: str = "16505550101",
                        number: str = WA_PHONE_NUMBER_ID, secret: str = WA_APP_SECRET) -> None:
    data = whatsapp_envelope(number, wa_id, {"type": "text", "text": {"body": text}})
    assert (await client.post("/webhooks/whatsapp", **meta_post(data, secret))).status == 200


async def whatsapp_taps(client, kind: str, reply: dict[str, Any], wa_id: str = "16505550101",
                        number: str = WA_PHONE_NUMBER_ID, secret: str = WA_APP_SECRET) -> None:
    """A tap on one of our buttons or list rows, sent back as WhatsApp sends it."""
    data = whatsapp_envelope(number, wa_id, {
        "type": "interactive", "interactive": {"type": kind, kind: reply},
        "context": {"from": "15550783881", "id": "wamid.STANDIN000001"}})
    assert (await client.post("/webhooks/whatsapp", **meta_post(data, secret))).status == 200


async def instagram_says(client, text: str, sender: str = "6984302471611249",
                         account: str = IG_ACCOUNT_ID, secret: str = IG_APP_SECRET) -> None:
    data = {"object": "instagram", "entry": [{"id": account, "time": 1763921200000, "messaging": [{
        "sender": {"id": sender}, "recipient": {"id": account}, "timestamp": 1763921199000,
        "message": {"mid": f"aWdfTEST{next(_ids):08d}", "text": text}}]}]}
    assert (await client.post("/webhooks/instagram", **meta_post(data, secret))).status == 200


async def telegram_says(client, text: str, chat: int = 412345678) -> None:
    n = next(_ids)
    update = {"update_id": 900000000 + n, "message": {
        "message_id": n, "date": 1763920800, "text": text,
        "from": {"id": chat, "is_bot": False, "first_name": "Ana"},
        "chat": {"id": chat, "first_name": "Ana", "type": "private"}}}
    resp = await client.post("/webhooks/telegram/luigis", json=update,
                             headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    assert resp.status == 200


async def says(client, channel: str, text: str) -> None:
    await {"telegram": telegram_says, "whatsapp": whatsapp_says, "instagram": instagram_says}[channel](
        client, text)


# ---- the shop's side -----------------------------------------------------------------------

async def deliver(db, telegram_api, graph_api, timeout: float = 5.0) -> None:
    """The inbox worker, then the dispatcher until nothing is pending."""
    from ingestion.worker import InboxWorker

    await InboxWorker(db.session_factory, idle_wait=0.01).drain()
    dispatcher = OutboxDispatcher(db.session_factory, Senders(
        TelegramSender(telegram_api.base_url, limits=FAST), GraphSender(graph_api.base_url)),
        first_retry=0.05)
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline and await pending(db):
            if not await dispatcher.run_once():
                await asyncio.sleep(0.01)
    finally:
        await dispatcher.senders.close()
    assert not await pending(db), "outbox rows left unsent"


async def pending(db) -> list[OutboxMessage]:
    async with db.uow() as uow:
        return list(await uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == "pending")))


def graph_sends(graph_api, account: str) -> list[dict[str, Any]]:
    return [c.json for c in graph_api.ok() if c.path == f"/{account}/messages"]


def text_of(body: dict[str, Any]) -> str:
    if "messaging_product" not in body:
        return body["message"]["text"]
    return body["text"]["body"] if body["type"] == "text" else body["interactive"]["body"]["text"]


def telegram_texts(telegram_api, chat: str) -> list[str]:
    return [c.params["text"] for c in telegram_api.calls_of("sendMessage", BOT_TOKEN)
            if c.status == 200 and str(c.params["chat_id"]) == chat]


# ---- WhatsApp: buttons and the tap that answers ----------------------------------------------

async def test_size_question_comes_with_buttons_and_the_tap_amends_the_same_draft(
        client, pizzeria, telegram_api, graph_api):
    await whatsapp_says(client, "a pizza with ham")
    await deliver(pizzeria.db, telegram_api, graph_api)

    [asked] = graph_sends(graph_api, WA_PHONE_NUMBER_ID)
    assert asked["to"] == "16505550101" and asked["interactive"]["type"] == "button"
    assert asked["interactive"]["body"]["text"] == (
        "Got it: 1x pizza (ham). Which size would you like for the pizza: small, medium or large?")
    buttons = [b["reply"] for b in asked["interactive"]["action"]["buttons"]]
    assert [b["title"] for b in buttons] == ["small", "medium", "large"]
    assert all(len(b["title"]) <= 20 and len(b["id"]) <= 256 for b in buttons)

    await whatsapp_taps(client, "button_reply", buttons[2])
    await deliver(pizzeria.db, telegram_api, graph_api)

    [draft] = await pizzeria.drafts()
    assert draft.version == 2 and draft.content["clarifications"] == []
    assert {"group": "size", "code": "LARGE"} in draft.content["lines"][0]["options"]
    answered = graph_sends(graph_api, WA_PHONE_NUMBER_ID)[-1]
    assert answered["type"] == "text" and answered["text"]["body"] == (
        "Updated: 1x large pizza (ham), total $15.00. The shop will confirm shortly.")


async def test_a_clear_order_gets_no_buttons(client, pizzeria, telegram_api, graph_api):
    await whatsapp_says(client, "two large pepperoni pizzas and a coke")
    await deliver(pizzeria.db, telegram_api, graph_api)
    [summary] = graph_sends(graph_api, WA_PHONE_NUMBER_ID)
    assert summary["type"] == "text" and summary["text"]["body"].startswith("Got it: 2x large pepperoni")


async def test_spanish_shop_asks_in_spanish_with_buttons_and_a_list(
        client, panaderia, pizzeria, telegram_api, graph_api):
    sol = {"number": SOL_WA_ID, "secret": SOL_WA_SECRET, "wa_id": "34600111222"}
    await whatsapp_says(client, "una empanada", **sol)
    await deliver(pizzeria.db, telegram_api, graph_api)
    [asked] = graph_sends(graph_api, SOL_WA_ID)
    assert asked["interactive"]["body"]["text"] == (
        "Anotado: 1x empanada. ¿Qué relleno quieres para empanada: atún, carne o pollo?")
    buttons = [b["reply"] for b in asked["interactive"]["action"]["buttons"]]
    assert [b["title"] for b in buttons] == ["atún", "carne", "pollo"]

    await whatsapp_taps(client, "button_reply", buttons[0], **sol)
    await deliver(pizzeria.db, telegram_api, graph_api)
    assert text_of(graph_sends(graph_api, SOL_WA_ID)[-1]) == (
        "Actualizado: 1x empanada (atún), total 2,50\xa0€. La tienda te lo confirmará en breve.")

    ice_cream = {**sol, "wa_id": "34600333444"}
    await whatsapp_says(client, "un helado", **ice_cream)
    await deliver(pizzeria.db, telegram_api, graph_api)
    listed = graph_sends(graph_api, SOL_WA_ID)[-1]
    assert listed["to"] == "34600333444" and listed["interactive"]["type"] == "list"
    assert listed["interactive"]["action"]["button"] == "Elegir"
    rows = listed["interactive"]["action"]["sections"][0]["rows"]
    assert [r["title"] for r in rows] == ["fresa", "vainilla", "limón", "pistacho", "turrón"]

    await whatsapp_taps(client, "list_reply", {**rows[3], "description": ""}, **ice_cream)
    await deliver(pizzeria.db, telegram_api, graph_api)
    assert text_of(graph_sends(graph_api, SOL_WA_ID)[-1]) == (
        "Actualizado: 1x helado (pistacho), total 3,00\xa0€. La tienda te lo confirmará en breve.")
    drafts = [d for d in await pizzeria.drafts() if d.shop_id == panaderia.id]
    assert len(drafts) == 2 and all(d.version == 2 for d in drafts)


# ---- Instagram: 1,000 bytes ------------------------------------------------------------------

async def test_instagram_replies_stay_within_1000_bytes_in_spanish(
        client, panaderia, pizzeria, telegram_api, graph_api, make):
    sol = {"account": SOL_IG_ID, "secret": SOL_IG_SECRET, "sender": "5550001"}
    await instagram_says(client, "hola", **sol)
    await instagram_says(client, "una empanada de atún y un cruasán", **sol)
    await deliver(pizzeria.db, telegram_api, graph_api)
    greeting, summary = (text_of(b) for b in graph_sends(graph_api, SOL_IG_ID))
    assert greeting.startswith("¡Hola! ¿Qué te apetece?")
    assert summary == ("¡Anotado! 1x empanada (atún), 1x cruasán, total 5,00\xa0€. "
                       "La tienda te lo confirmará en breve.")

    reason = ("lo sentimos muchísimo, esta semana el obrador está en reformas y el camión de "
              "reparto no llega a tu zona; vuelve a intentarlo el próximo mes, ¡gracias! ") * 8
    seller = await make.member(panaderia, "agent", "Lucía")
    [draft] = [d for d in await pizzeria.drafts() if d.shop_id == panaderia.id]
    await reject_draft(pizzeria.db.uow(), seller, draft.id, reason)
    await deliver(pizzeria.db, telegram_api, graph_api)

    rejection = text_of(graph_sends(graph_api, SOL_IG_ID)[-1])
    full = f"Lo sentimos, la tienda no puede aceptar este pedido: {reason.strip()}."
    assert len(full.encode()) > 1000 and len(rejection.encode()) <= 1000
    assert rejection.endswith("…") and len(rejection.encode()) > 900
    kept = rejection.removesuffix("…")
    assert full.startswith(kept) and full[len(kept)] in " ,;.", "cut inside a word"


# ---- every channel: status changes and "where is my order?" --------------------------------

CUSTOMERS = {"telegram": "412345678", "whatsapp": "16505550101", "instagram": "6984302471611249"}


def last_reply(channel: str, telegram_api, graph_api) -> str:
    if channel == "telegram":
        return telegram_texts(telegram_api, CUSTOMERS[channel])[-1]
    account = WA_PHONE_NUMBER_ID if channel == "whatsapp" else IG_ACCOUNT_ID
    body = graph_sends(graph_api, account)[-1]
    to = body.get("to") or body["recipient"]["id"]
    assert to == CUSTOMERS[channel], "the reply went to someone else"
    return text_of(body)


@pytest.mark.parametrize("channel", ["telegram", "whatsapp", "instagram"])
async def test_status_changes_and_where_is_my_order_reach_the_channel_they_wrote_from(
        client, pizzeria, telegram_api, graph_api, make, channel):
    reply = lambda: last_reply(channel, telegram_api, graph_api)  # noqa: E731
    await says(client, channel, "where is my order?")
    await deliver(pizzeria.db, telegram_api, graph_api)
    assert reply() == "I can't find an order from you yet. Write what you'd like and we'll start one."

    await says(client, channel, "two large pepperoni pizzas and a coke")
    await deliver(pizzeria.db, telegram_api, graph_api)
    assert reply().startswith("Got it: 2x large pepperoni pizza, 1x coke, total $")
    dana = await make.member(pizzeria.shop, "agent", "Dana")
    [draft] = await pizzeria.drafts()
    number = (await approve_draft(pizzeria.db.uow(), dana, draft.id)).order.number
    await deliver(pizzeria.db, telegram_api, graph_api)
    assert reply().startswith(f"Thank you! Your order is {number}, total $")

    order = await get_order(pizzeria.db.uow(), dana, number)
    await transition_order(pizzeria.db.uow(), dana, number, "confirmed",
                           expected_version=order.version)
    await deliver(pizzeria.db, telegram_api, graph_api)
    assert reply() == f"Good news: the shop confirmed your order {number}."

    await says(client, channel, "where is my order?")
    await deliver(pizzeria.db, telegram_api, graph_api)
    assert reply() == f"Your order {number} is confirmed and being prepared."

    await fulfill_order(pizzeria.db.uow(), dana, number, carrier="Speedy Couriers",
                        tracking_number="SC123456")
    await deliver(pizzeria.db, telegram_api, graph_api)
    assert reply() == (f"Your order {number} has left the shop with Speedy Couriers, "
                       "tracking number SC123456.")
    if channel != "telegram":
        assert not telegram_texts(telegram_api, CUSTOMERS["telegram"])
    if channel != "whatsapp":
        assert not graph_sends(graph_api, WA_PHONE_NUMBER_ID)
    if channel != "instagram":
        assert not graph_sends(graph_api, IG_ACCOUNT_ID)
