"""The customer's side of quotes, payment and receipt (issue 9), end to end: signed webhook posts
(Telegram, WhatsApp), the inbox worker and seller desk, the real order services, the outbox
dispatcher, the Bot API and Graph API stand-ins. A quote's claim code claims it (a second
claimant is refused), Accept / I paid / Received it work as buttons and in words, and the invoice
PDF reaches the customer: as a Telegram document, or by a signed link that refuses forgeries."""
from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from ingestion.worker import InboxWorker
from orders.models import CustomerIdentity, Order, OutboxMessage
from orders.services import (attach_documents, confirm_received, create_quote, request_payment,
                             ship_order, transition_order)
from orders.services.creation import LineRequest, NewOrder
from tests.e2e.conftest import BOT_TOKEN, IG_ACCOUNT_ID, IG_APP_SECRET, WA_PHONE_NUMBER_ID, meta_post
from tests.e2e.test_customer_replies import instagram_says, whatsapp_says, whatsapp_taps
from tests.e2e.test_seller_chat import CUSTOMER, MARIA, Chat, button, labels
from tests.standins.graph_api import GraphStandIn
from tests.standins.telegram_api import StandIn
from bot.server import init_app
from bot.settings import BotSettings

CARLA, BRUNO = "16505550101", "16505550202"  # WhatsApp customers
IRIS = "6984302471611249"                       # an Instagram customer


@pytest.fixture
async def chat(aiohttp_client, pizzeria, make):
    admin = await make.member(pizzeria.shop, "admin", "Maria", telegram_user_id=MARIA)
    async with StandIn() as api, GraphStandIn() as graph:
        settings = BotSettings(TELEGRAM_API_BASE_URL=api.base_url, GRAPH_API_BASE_URL=graph.base_url)
        client = await aiohttp_client(init_app(settings, pizzeria.db.session_factory,
                                               run_worker=False))
        chat = Chat(client, pizzeria, api, graph)
        chat.admin, chat.graph = admin, graph
        yield chat
        await chat.close()


async def whatsapp(chat: Chat, wa_id: str, text: str | None = None, *,
                   tap: dict | None = None) -> None:
    """A WhatsApp customer writes (or taps a reply button); the shop handles it and answers."""
    if tap is not None:
        await whatsapp_taps(chat.client, "button_reply", tap, wa_id=wa_id)
    else:
        await whatsapp_says(chat.client, text, wa_id=wa_id)
    await InboxWorker(chat.db.session_factory, idle_wait=0.05, desk=chat.desk).drain()
    await chat.settle()


def whatsapp_to(chat: Chat, wa_id: str) -> list[dict]:
    return [c.json for c in chat.graph.ok()
            if c.path == f"/{WA_PHONE_NUMBER_ID}/messages" and c.json.get("to") == wa_id]


def whatsapp_text(body: dict) -> str:
    return body["text"]["body"] if body["type"] == "text" else body["interactive"]["body"]["text"]


async def quote(chat: Chat, customer_id: uuid.UUID | None = None) -> Order:
    """A seller's quote for two pepperoni pizzas: for a known customer, else with a claim code."""
    made = await create_quote(chat.db.uow(), chat.admin,
                              NewOrder(lines=[LineRequest("PEPPERONI_PIZZA", 2)]), customer_id)
    await chat.settle()
    return made


async def order(db, number: str = "ORD-00001") -> Order:
    async with db.uow() as uow:
        return await uow.session.scalar(select(Order).where(Order.number == number)
                                        .execution_options(populate_existing=True))


async def customer_of(db, channel: str, external_id: str) -> uuid.UUID:
    async with db.uow() as uow:
        return await uow.session.scalar(select(CustomerIdentity.customer_id).where(
            CustomerIdentity.channel == channel, CustomerIdentity.external_id == external_id))


async def sellers_told(db, kind: str) -> list[str]:
    """The seller chats a notice fanned out to."""
    async with db.uow() as uow:
        rows = await uow.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind))
        return sorted(r.recipient for r in rows if r.recipient != "sellers")


async def delivered(chat: Chat, number: str) -> None:
    """The seller's side, through the services: confirm, pack, ship, deliver."""
    db, admin = chat.db, chat.admin
    await transition_order(db.uow(), admin, number, "confirmed")
    await attach_documents(db.uow(), admin, number, invoice_url="https://i/1", label_url="https://l/1")
    await transition_order(db.uow(), admin, number, "packed")
    await ship_order(db.uow(), admin, number, "DHL", "JD0001")
    await transition_order(db.uow(), admin, number, "delivered")
    await chat.settle()


# ---- claim codes -----------------------------------------------------------------------------

async def test_the_code_in_a_telegram_message_claims_the_quote_and_a_second_claimant_is_refused(chat):
    code = (await quote(chat)).claim_code

    await chat.says(CUSTOMER, f"Hi! My code is {code}")

    claimed = await order(chat.db)
    assert claimed.status == "claimed" and claimed.claim_code is None
    assert claimed.customer_id == await customer_of(chat.db, "telegram", str(CUSTOMER))
    told = chat.last_to(CUSTOMER)
    assert told["text"].startswith("Quote ORD-00001 is yours now: total $26.00")
    assert labels(told) == ["Accept"]

    await whatsapp(chat, BRUNO, code)

    assert "already claimed by someone else" in whatsapp_text(whatsapp_to(chat, BRUNO)[-1])
    assert (await order(chat.db)).customer_id == claimed.customer_id

    await chat.says(CUSTOMER, code)  # the same customer again: it is theirs already
    assert chat.last_to(CUSTOMER)["text"] == "Quote ORD-00001 is already yours."


async def test_a_telegram_deep_link_with_the_code_claims_and_an_unknown_code_is_explained(chat):
    code = (await quote(chat)).claim_code

    await chat.says(CUSTOMER + 1, "/start 000-0000-000")
    assert chat.last_to(CUSTOMER + 1)["text"].startswith(
        "I can't find an open quote with the code 000-0000-000.")

    await chat.says(CUSTOMER, f"/start {code}")
    assert (await order(chat.db)).status == "claimed"
    assert chat.last_to(CUSTOMER)["text"].startswith("Quote ORD-00001 is yours now")


async def test_a_whatsapp_claim_then_the_accept_button_tells_the_sellers(chat):
    code = (await quote(chat)).claim_code

    await whatsapp(chat, CARLA, code.replace("-", " "))

    sent = whatsapp_to(chat, CARLA)[-1]
    assert sent["type"] == "interactive" and whatsapp_text(sent).startswith("Quote ORD-00001 is yours")
    [reply] = sent["interactive"]["action"]["buttons"]
    assert reply["reply"]["title"] == "Accept" and len(reply["reply"]["id"]) <= 256

    forged = reply["reply"]["id"][:-2] + "xx"
    await whatsapp(chat, CARLA, tap={"id": forged, "title": "Accept"})
    assert (await order(chat.db)).quote_accepted_at is None  # read as words, not as a tap

    await whatsapp(chat, CARLA, tap=reply["reply"])

    assert (await order(chat.db)).quote_accepted_at is not None
    assert whatsapp_text(whatsapp_to(chat, CARLA)[-1]).startswith("Thank you! You accepted quote ORD-00001")
    assert await sellers_told(chat.db, "order.quote_accepted") == [str(MARIA)]


# ---- buttons in Telegram ---------------------------------------------------------------------

async def test_a_quote_for_a_known_customer_is_accepted_with_the_telegram_button(chat):
    await chat.says(CUSTOMER, "hi")
    await quote(chat, await customer_of(chat.db, "telegram", str(CUSTOMER)))
    sent = chat.last_to(CUSTOMER)
    assert sent["text"].startswith("The shop sent you a quote: ORD-00001") and labels(sent) == ["Accept"]

    await chat.taps(CUSTOMER, sent, button(sent, "Accept"))

    assert chat.last_answer()["text"].startswith("Thank you! You accepted quote ORD-00001")
    assert (await order(chat.db)).quote_accepted_at is not None
    assert await sellers_told(chat.db, "order.quote_accepted") == [str(MARIA)]
    notice = chat.last_to(MARIA)
    assert notice["text"] == (f"Quote ORD-00001 was accepted by User{CUSTOMER}. "
                              "Open it to confirm the order.")
    await chat.taps(MARIA, notice, button(notice, "Open order"))
    assert chat.last_to(MARIA)["text"].startswith("ORD-00001: quote")
    assert "Confirm" in labels(chat.last_to(MARIA))

    await chat.taps(CUSTOMER + 1, sent, button(sent, "Accept"))  # someone else's tap
    assert chat.last_answer()["text"].startswith("I can't find that order of yours")


async def test_i_paid_in_words_and_by_button_tells_the_sellers_once(chat):
    await chat.says(CUSTOMER, "hi")
    number = (await quote(chat, await customer_of(chat.db, "telegram", str(CUSTOMER)))).number
    await transition_order(chat.db.uow(), chat.admin, number, "confirmed")

    await chat.says(CUSTOMER, "I paid")
    assert chat.last_to(CUSTOMER)["text"].startswith("I can't find an order of yours waiting for payment")

    await request_payment(chat.db.uow(), chat.admin, number)
    await chat.settle()
    asked = chat.last_to(CUSTOMER)
    assert asked["text"].startswith("Please pay $26.00 for your order ORD-00001")
    assert labels(asked) == ["I paid"]

    await chat.says(CUSTOMER, "ok, I paid!")

    assert chat.last_to(CUSTOMER)["text"].startswith("Thank you! We told the shop you paid for ORD-00001")
    assert await sellers_told(chat.db, "order.customer_says_paid") == [str(MARIA)]
    notice = chat.last_to(MARIA)
    assert notice["text"] == (f"ORD-00001: the customer (User{CUSTOMER}) says they paid ($26.00 was "
                              "due). Check, then record the payment.")
    assert labels(notice) == ["Open order"]
    await chat.taps(CUSTOMER, asked, button(asked, "I paid"))
    assert chat.last_answer()["text"].startswith("Thank you! We told the shop")
    assert await sellers_told(chat.db, "order.customer_says_paid") == [str(MARIA)]
    assert (await order(chat.db)).financial_status == "awaiting_payment"  # money only from payments


# ---- receipt and the invoice -----------------------------------------------------------------

async def test_received_it_completes_the_order_and_the_invoice_pdf_arrives_in_telegram(chat):
    await chat.says(CUSTOMER, "hi")
    number = (await quote(chat, await customer_of(chat.db, "telegram", str(CUSTOMER)))).number
    await delivered(chat, number)
    shipped, told = chat.messages_to(CUSTOMER)[-2:]
    assert shipped["text"] == "Your order ORD-00001 is on its way with DHL! Tracking number: JD0001."
    assert "was delivered" in told["text"] and labels(told) == ["Received it"]

    await chat.taps(CUSTOMER, told, button(told, "Received it"))

    assert chat.last_answer()["text"] == "Thank you for confirming you received ORD-00001!"
    done = await order(chat.db)
    assert (done.status, done.invoice_number) == ("completed", "INV-00001")
    [document] = chat.api.documents(BOT_TOKEN)
    assert document["chat_id"] == str(CUSTOMER) and document["filename"] == "INV-00001.pdf"
    assert document["content"].startswith(b"%PDF") and b"INV-00001" in document["content"]
    assert document["size"] == len(document["content"])
    assert document["caption"] == "Your invoice INV-00001 for order ORD-00001."

    await chat.taps(CUSTOMER, told, button(told, "Received it"))  # a second tap: nothing new
    assert len(chat.api.documents(BOT_TOKEN)) == 1


async def test_whatsapp_gets_the_invoice_by_a_signed_link_that_refuses_forgeries(chat):
    await whatsapp(chat, CARLA, "hi")
    number = (await quote(chat, await customer_of(chat.db, "whatsapp", CARLA))).number
    await delivered(chat, number)
    told = whatsapp_to(chat, CARLA)[-1]
    [reply] = told["interactive"]["action"]["buttons"]
    assert reply["reply"]["title"] == "Received it"

    await whatsapp(chat, CARLA, tap=reply["reply"])

    assert (await order(chat.db)).status == "completed"
    [document] = [b for b in whatsapp_to(chat, CARLA) if b["type"] == "document"]
    assert document["document"]["filename"] == "INV-00001.pdf"
    link = urlsplit(document["document"]["link"])
    served = await chat.client.get(link.path)
    assert served.status == 200 and served.content_type == "application/pdf"
    assert (await served.read()).startswith(b"%PDF")

    token = re.fullmatch(r"/invoices/(.+)\.pdf", link.path).group(1)
    ref, signature = token.split(".")
    for forged in (f"{ref}.{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
                   f"{ref[:-2]}AA.{signature}", f"t{ref[1:]}.{signature}", "nonsense"):
        assert (await chat.client.get(f"/invoices/{forged}.pdf")).status == 404, forged


async def test_instagram_quick_reply_accepts_and_the_invoice_comes_as_a_file_link(chat):
    await instagram_says(chat.client, "hi", sender=IRIS)
    await InboxWorker(chat.db.session_factory, idle_wait=0.05, desk=chat.desk).drain()
    number = (await quote(chat, await customer_of(chat.db, "instagram", IRIS))).number
    sent = [c.json for c in chat.graph.ok() if c.path == f"/{IG_ACCOUNT_ID}/messages"][-1]
    [quick] = sent["message"]["quick_replies"]
    assert sent["message"]["text"].startswith("The shop sent you a quote") and quick["title"] == "Accept"

    tap = {"object": "instagram", "entry": [{"id": IG_ACCOUNT_ID, "time": 1763921200000, "messaging": [{
        "sender": {"id": IRIS}, "recipient": {"id": IG_ACCOUNT_ID}, "timestamp": 1763921199000,
        "message": {"mid": "aWdfQUICK0001", "text": "Accept", "quick_reply": {"payload": quick["payload"]}}}]}]}
    assert (await chat.client.post("/webhooks/instagram", **meta_post(tap, IG_APP_SECRET))).status == 200
    await InboxWorker(chat.db.session_factory, idle_wait=0.05, desk=chat.desk).drain()
    await chat.settle()

    assert (await order(chat.db, number)).quote_accepted_at is not None
    assert await sellers_told(chat.db, "order.quote_accepted") == [str(MARIA)]
    await delivered(chat, number)
    await confirm_received(chat.db.uow(), chat.shop.shop.id,
                           await customer_of(chat.db, "instagram", IRIS), number)
    await chat.settle()
    [attachment] = [c.json["message"]["attachment"] for c in chat.graph.ok()
                    if "attachment" in c.json.get("message", {})]
    assert attachment["type"] == "file"
    served = await chat.client.get(urlsplit(attachment["payload"]["url"]).path)
    assert served.status == 200 and (await served.read()).startswith(b"%PDF")
