"""Sellers in Telegram, end to end: signed updates posted to our webhook, stored in the inbox,
replayed through the real python-telegram-bot handlers (`bot/seller`), which answer through the
Bot API stand-in; cards and customer notices go out through the real outbox dispatcher."""
from __future__ import annotations

import itertools
import time
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.outbox.dispatcher import OutboxDispatcher, Senders
from bot.outbox.graph import GraphSender
from bot.outbox.telegram import Limits, TelegramSender
from bot.seller.desk import SellerDesk
from bot.server import init_app
from bot.settings import BotSettings
from ingestion.models import Draft
from ingestion.worker import InboxWorker
from orders.models import Member, Order, OutboxMessage
from orders.services.invites import create_invite
from orders.services.templates import set_template
from tests.e2e.conftest import BOT_TOKEN, SLUG, TELEGRAM_SECRET
from tests.standins.graph_api import GraphStandIn
from tests.standins.telegram_api import StandIn

FAST = Limits(per_chat=(1000.0, 5.0), per_group=(1000.0, 20.0), overall=(1000.0, 30.0))
DANA, MARIA, VIC, CUSTOMER = 1001, 1002, 1003, 555
CARD = ["Approve", "Edit", "Reject", "Send as quote"]
_ids = itertools.count(1000)


class Chat:
    """The shop's Telegram as the people see it: post what they do, read what the bot sent."""

    def __init__(self, client, shop, api: StandIn, graph: GraphStandIn) -> None:
        self.client, self.shop, self.api, self.db = client, shop, api, shop.db
        self.desk = SellerDesk(self.db.session_factory, api.base_url)
        self.dispatcher = OutboxDispatcher(
            self.db.session_factory, Senders(TelegramSender(api.base_url, limits=FAST),
                                             GraphSender(graph.base_url)), first_retry=0.05)

    async def post(self, update: dict[str, Any]) -> None:
        response = await self.client.post(
            f"/webhooks/telegram/{SLUG}", json={"update_id": next(_ids), **update},
            headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
        assert response.status == 200, await response.text()
        await InboxWorker(self.db.session_factory, idle_wait=0.05, desk=self.desk).drain()
        await self.settle()

    async def settle(self) -> None:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and await self.dispatcher.run_once():
            pass

    async def says(self, user: int, text: str, chat: int | None = None) -> None:
        chat = chat or user
        await self.post({"message": {
            "message_id": next(_ids), "date": int(time.time()), "text": text,
            "chat": {"id": chat, "type": "private" if chat == user else "group", "first_name": "X"},
            "from": {"id": user, "is_bot": False, "first_name": f"User{user}"},
            **({"entities": [{"type": "bot_command", "offset": 0,
                              "length": len(text.split()[0])}]} if text.startswith("/") else {})}})

    async def taps(self, user: int, message: dict[str, Any], data: str) -> None:
        await self.post({"callback_query": {
            "id": str(next(_ids)), "chat_instance": "ci", "data": data,
            "from": {"id": user, "is_bot": False, "first_name": f"User{user}"},
            "message": {"message_id": message["message_id"], "date": message["date"],
                        "chat": message["chat"], "text": message["text"]}}})

    def messages_to(self, chat: int) -> list[dict[str, Any]]:
        return [m for m in self.api.sent(BOT_TOKEN) if str(m["chat"]["id"]) == str(chat)]

    def last_to(self, chat: int) -> dict[str, Any]:
        return self.messages_to(chat)[-1]

    def last_answer(self) -> dict[str, Any]:
        return self.api.calls_of("answerCallbackQuery")[-1].params

    async def close(self) -> None:
        await self.desk.close()
        await self.dispatcher.senders.close()


def button(message: dict[str, Any], label: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for b in row:
            if b["text"] == label or b["text"].startswith(label):
                return b["callback_data"]
    raise AssertionError(f"no {label!r} button in {message['reply_markup']}")


def labels(message: dict[str, Any]) -> list[str]:
    return [b["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", [])
            for b in row]


@pytest.fixture
async def chat(aiohttp_client, pizzeria, make):
    await make.member(pizzeria.shop, "agent", "Dana", telegram_user_id=DANA)
    await make.member(pizzeria.shop, "manager", "Maria", telegram_user_id=MARIA)
    await make.member(pizzeria.shop, "viewer", "Vic", telegram_user_id=VIC)
    async with StandIn() as api, GraphStandIn() as graph:
        settings = BotSettings(TELEGRAM_API_BASE_URL=api.base_url,
                               GRAPH_API_BASE_URL=graph.base_url)
        client = await aiohttp_client(init_app(settings, pizzeria.db.session_factory,
                                               run_worker=False))
        chat = Chat(client, pizzeria, api, graph)
        yield chat
        await chat.close()


async def orders(db) -> list[Order]:
    async with db.uow() as uow:
        return list(await uow.session.scalars(select(Order)))


async def draft(db) -> Draft:
    async with db.uow() as uow:
        return await uow.session.scalar(select(Draft).order_by(Draft.created_at.desc()).limit(1))


async def test_approve_tap_makes_the_order_edits_every_card_and_tells_the_customer(chat):
    await chat.says(CUSTOMER, "two large pepperoni pizzas and a coke")
    card = chat.last_to(DANA)
    assert card["text"].startswith("New order draft") and labels(card) == CARD

    await chat.taps(DANA, card, button(card, "Approve"))

    assert chat.last_answer()["text"] == "Approved as ORD-00001."
    [order] = await orders(chat.db)
    assert order.number == "ORD-00001" and order.status == "new"
    for seller in (DANA, MARIA, VIC):
        [edited] = chat.messages_to(seller)
        assert "Approved by Dana as ORD-00001." in edited["text"] and "reply_markup" not in edited
    assert "ORD-00001" in chat.last_to(CUSTOMER)["text"]


async def test_double_tap_makes_one_order_and_says_who_was_first(chat):
    await chat.says(CUSTOMER, "a large ham pizza")
    dana_card, maria_card = chat.last_to(DANA), chat.last_to(MARIA)
    dana_data, maria_data = button(dana_card, "Approve"), button(maria_card, "Approve")
    await chat.taps(DANA, dana_card, dana_data)
    await chat.taps(MARIA, maria_card, maria_data)  # a card not yet redrawn
    await chat.taps(DANA, dana_card, dana_data)

    assert len(await orders(chat.db)) == 1
    answers = [c.params for c in chat.api.calls_of("answerCallbackQuery")]
    assert answers[0]["text"] == "Approved as ORD-00001."
    for later in answers[1:]:
        assert later["text"].startswith("Already approved by Dana at ")
        assert later["text"].endswith("as ORD-00001.") and str(later["show_alert"]).lower() == "true"


async def test_forged_callback_data_is_refused_and_changes_nothing(chat):
    await chat.says(CUSTOMER, "a large ham pizza")
    card = chat.last_to(DANA)
    data = button(card, "Approve")
    action, ref, signature = data.split(":")
    for forged in (f"{action}:{ref}:{'A' * len(signature)}", f"r:{ref}:{signature}", "a:xyz",
                   "zz:" + ref + ":" + signature, "garbage"):
        await chat.taps(DANA, card, forged)
        assert chat.last_answer()["text"].startswith("This button is not valid")
    assert await orders(chat.db) == [] and (await draft(chat.db)).status == "pending_review"


async def test_a_viewer_tapping_approve_is_refused(chat):
    await chat.says(CUSTOMER, "a large ham pizza")
    card = chat.last_to(VIC)
    await chat.taps(VIC, card, button(card, "Approve"))
    assert chat.last_answer()["text"] == "A viewer may not approve or reject drafts."
    assert await orders(chat.db) == [] and (await draft(chat.db)).status == "pending_review"


async def test_a_stranger_tapping_a_card_is_refused(chat):
    await chat.says(CUSTOMER, "a large ham pizza")
    card = chat.last_to(DANA)
    await chat.taps(4242, card, button(card, "Approve"))
    assert chat.last_answer()["text"].startswith("You are not a seller of this shop")
    assert await orders(chat.db) == []


async def test_edit_flow_changes_quantity_options_and_address_then_the_card_shows_it(chat):
    await chat.says(CUSTOMER, "a large ham pizza")
    card = chat.last_to(DANA)
    await chat.taps(DANA, card, button(card, "Edit"))
    menu = chat.last_to(DANA)
    assert menu["text"] == "What would you like to change?"
    assert labels(menu)[0].startswith("1. 1x large pizza (ham)")
    assert labels(menu)[1:] == ["Add item", "Address", "Done"]

    await chat.taps(DANA, menu, button(menu, "1."))
    line_menu = chat.last_to(DANA)
    assert labels(line_menu) == ["Quantity", "Options", "Remove", "Back"]
    await chat.taps(DANA, line_menu, button(line_menu, "Quantity"))
    assert chat.last_to(DANA)["text"].startswith("Send the new quantity for 1x large pizza (ham)")
    await chat.says(DANA, "two")  # not a number: refused, the question stays
    assert chat.last_to(DANA)["text"].startswith("That edit does not fit the draft")
    await chat.says(DANA, "3")
    assert chat.messages_to(DANA)[-2]["text"] == "Saved. Confidence now 100%."

    await chat.taps(DANA, chat.last_to(DANA), button(chat.last_to(DANA), "1."))
    await chat.taps(DANA, chat.last_to(DANA), button(chat.last_to(DANA), "Options"))
    await chat.says(DANA, "medium, extra cheese, no onions")
    await chat.taps(DANA, chat.last_to(DANA), button(chat.last_to(DANA), "Add item"))
    await chat.says(DANA, "a coke")
    await chat.taps(DANA, chat.last_to(DANA), button(chat.last_to(DANA), "Address"))
    await chat.says(DANA, "12 Elm St")
    await chat.taps(DANA, chat.last_to(DANA), button(chat.last_to(DANA), "Done"))

    content = (await draft(chat.db)).content
    [pizza, coke] = content["lines"]
    assert pizza["quantity"] == 3 and coke["sku"] == "COKE"
    assert {(o["code"], o.get("qualifier"), o.get("negated")) for o in pizza["options"]} == {
        ("MEDIUM", None, None), ("CHEESE", "EXTRA", None), ("ONIONS", None, True)}
    assert content["contact"]["address"] == "12 Elm St"
    redrawn = [m for m in chat.messages_to(MARIA) if m["message_id"] == card["message_id"]] or \
        chat.messages_to(MARIA)
    assert redrawn[0]["text"].startswith("Updated order draft") and "(edited by Dana)" in redrawn[0]["text"]
    assert "12 Elm St" in redrawn[0]["text"] and labels(redrawn[0]) == CARD


async def test_reject_asks_for_a_reason_and_the_customer_reads_it(chat):
    await chat.says(CUSTOMER, "a large ham pizza")
    card = chat.last_to(DANA)
    await chat.taps(DANA, card, button(card, "Reject"))
    assert labels(chat.last_to(DANA)) == ["No reason"]
    await chat.says(DANA, "we are closed tonight")
    assert (await draft(chat.db)).status == "rejected"
    assert chat.last_to(CUSTOMER)["text"] == "Sorry, the shop can't take this order: we are closed tonight."
    assert "Rejected by Dana: we are closed tonight." in chat.messages_to(MARIA)[0]["text"]


async def test_order_commands_take_an_order_through_to_delivered_with_a_payment(chat):
    await chat.says(CUSTOMER, "two large pepperoni pizzas")
    card = chat.last_to(MARIA)
    await chat.taps(MARIA, card, button(card, "Approve"))

    await chat.says(MARIA, "/orders")
    listing = chat.last_to(MARIA)
    assert listing["text"].startswith("Recent orders:\nORD-00001 new")
    await chat.taps(MARIA, listing, button(listing, "ORD-00001"))
    details = chat.last_to(MARIA)
    assert details["text"].startswith("ORD-00001: new, pending, unfulfilled")
    assert "\nCustomer: User555\n" in details["text"]  # the chat's name: the message gave none
    assert labels(details) == ["Confirm", "Cancel", "Request payment", "Record payment",
                               "Invoice URL", "Label URL", "Issue invoice", "History"]

    await chat.taps(MARIA, details, button(details, "Confirm"))
    details = chat.messages_to(MARIA)[-1]
    assert details["text"].startswith("ORD-00001: confirmed")
    await chat.taps(MARIA, details, button(details, "Mark packed"))
    assert "needs an invoice and a shipping label" in chat.last_to(MARIA)["text"]
    await chat.says(MARIA, "not a link")
    assert chat.last_to(MARIA)["text"].startswith("Send the invoice's address")
    await chat.says(MARIA, "https://shop.example/inv/1.pdf")
    assert chat.last_to(MARIA)["text"].startswith(
        "Invoice attached. Send the label URL for ORD-00001.")
    await chat.says(MARIA, "https://shop.example/label/1.pdf")
    assert chat.messages_to(MARIA)[-2]["text"] == "Label attached; ORD-00001 is packed."
    details = chat.last_to(MARIA)
    assert details["text"].startswith("ORD-00001: packed")

    await chat.taps(MARIA, details, button(details, "Record payment"))
    await chat.says(MARIA, "$30.00")
    details = chat.last_to(MARIA)
    assert details["text"].startswith("ORD-00001: packed, paid")
    await chat.taps(MARIA, details, button(details, "Ship"))
    assert chat.last_to(MARIA)["text"].startswith("Send the carrier and tracking number")
    await chat.says(MARIA, "Speedy Couriers SC-482913")
    assert (await orders(chat.db))[0].tracking_number == "SC-482913"
    assert "Speedy Couriers" in chat.last_to(CUSTOMER)["text"]
    assert "SC-482913" in chat.last_to(CUSTOMER)["text"]
    await chat.taps(MARIA, chat.last_to(MARIA), button(chat.last_to(MARIA), "Deliver"))
    [order] = await orders(chat.db)
    assert (order.status, order.financial_status) == ("delivered", "paid")
    assert chat.last_to(CUSTOMER)["text"] == "Your order ORD-00001 was delivered. Enjoy, and thank you!"

    await chat.says(DANA, "/order 1")
    agent_sees = labels(chat.last_to(DANA))
    assert "Refund" not in agent_sees and "Record payment" not in agent_sees  # a manager's
    assert agent_sees[-1] == "History"
    await chat.taps(DANA, chat.last_to(DANA), button(chat.last_to(DANA), "History"))
    history = chat.last_to(DANA)["text"]
    assert history.startswith("History of ORD-00001:") and "Maria: status: packed -> shipped" in history


async def test_viewer_sees_no_action_buttons_and_the_server_refuses_a_move_anyway(chat):
    await chat.says(CUSTOMER, "a large ham pizza")
    await chat.taps(DANA, chat.last_to(DANA), button(chat.last_to(DANA), "Approve"))
    await chat.says(VIC, "/order ORD-00001")
    assert labels(chat.last_to(VIC)) == ["History"]
    await chat.says(DANA, "/order ORD-00001")
    dana_view = chat.last_to(DANA)
    await chat.taps(VIC, dana_view, button(dana_view, "Confirm"))  # Dana's button, Vic's tap
    assert chat.last_answer()["text"] == "A viewer may not change an order's status."
    assert (await orders(chat.db))[0].status == "new"


async def test_orders_list_pages_with_a_more_button(chat):
    for n in range(7):
        await chat.says(CUSTOMER + n, "a large ham pizza")
        await chat.taps(DANA, chat.last_to(DANA), button(chat.last_to(DANA), "Approve"))
    await chat.says(DANA, "/orders")
    first = chat.last_to(DANA)
    assert [label.split()[0] for label in labels(first)] == [
        "ORD-00007", "ORD-00006", "ORD-00005", "ORD-00004", "ORD-00003", "More"]
    await chat.taps(DANA, first, button(first, "More"))
    assert [label.split()[0] for label in labels(chat.last_to(DANA))] == ["ORD-00002", "ORD-00001"]


async def test_start_with_an_invite_code_links_the_telegram_user_once(chat):
    made = await create_invite(chat.db.uow(), SLUG, "agent")
    await chat.says(2002, f"/start {made.code}")
    assert chat.last_to(2002)["text"].startswith("Welcome, User2002! You are now agent at")
    await chat.says(2003, f"/start {made.code}")
    assert chat.last_to(2003)["text"].startswith("That invite code is not valid")
    async with chat.db.uow() as uow:
        linked = await uow.session.scalar(select(func.count()).select_from(Member).where(
            Member.telegram_user_id.in_([2002, 2003])))
    assert linked == 1
    await chat.says(CUSTOMER, "a large ham pizza")
    assert chat.last_to(2002)["text"].startswith("New order draft")  # the new seller gets cards


async def test_a_linked_seller_group_gets_cards_and_its_members_answer_questions_there(chat, make):
    group = -100900
    await make.member(chat.shop.shop, "admin", "Ada", telegram_user_id=1004)
    await chat.says(DANA, "/linkgroup", chat=group)
    assert chat.last_to(group)["text"] == "An agent may not manage members."
    await chat.says(1004, "/linkgroup", chat=group)
    assert chat.last_to(group)["text"] == "This group now gets every new order draft."

    await chat.says(CUSTOMER, "a large ham pizza")
    card = chat.last_to(group)
    assert card["text"].startswith("New order draft")
    await chat.taps(DANA, card, button(card, "Edit"))
    await chat.taps(DANA, chat.last_to(group), button(chat.last_to(group), "1."))
    await chat.taps(DANA, chat.last_to(group), button(chat.last_to(group), "Quantity"))
    assert chat.last_to(group)["reply_markup"]["force_reply"] is True
    await chat.says(1005, "what's for lunch?", chat=group)  # a stranger's talk: ignored
    await chat.says(MARIA, "5", chat=group)                 # not the one asked: no question open
    await chat.says(DANA, "2", chat=group)
    assert (await draft(chat.db)).content["lines"][0]["quantity"] == 2


async def test_send_as_quote_makes_a_quote_for_the_drafts_customer(chat):
    await chat.says(CUSTOMER, "two large ham pizzas")
    card = chat.last_to(MARIA)
    await chat.taps(MARIA, card, button(card, "Send as quote"))
    assert chat.last_answer()["text"] == "Sent to the customer as quote ORD-00001."
    [quote] = await orders(chat.db)
    assert (quote.status, quote.claim_code, quote.draft_id) == ("quote", None,
                                                                 (await draft(chat.db)).id)
    assert "Sent as quote ORD-00001 by Maria." in chat.messages_to(DANA)[0]["text"]
    async with chat.db.uow() as uow:
        sent = await uow.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "order.quote_sent", OutboxMessage.recipient == str(CUSTOMER)))
    assert sent == 1  # the customer's quote, with its Accept button (tests/e2e/test_customer_flows)


async def test_a_shops_own_wording_replaces_the_default_notice(chat, make):
    admin = await make.member(chat.shop.shop, "admin", "Ada")
    await set_template(chat.db.uow(), admin, "order.status_changed", "en",
                       "Ciao! {number} is {status} now.")
    await chat.says(CUSTOMER, "a large ham pizza")
    await chat.taps(DANA, chat.last_to(DANA), button(chat.last_to(DANA), "Approve"))
    await chat.says(DANA, "/order 1")
    await chat.taps(DANA, chat.last_to(DANA), button(chat.last_to(DANA), "Confirm"))
    assert chat.last_to(CUSTOMER)["text"] == "Ciao! ORD-00001 is confirmed now."
