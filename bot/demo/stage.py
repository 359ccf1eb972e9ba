"""The demo's stage: a fresh SQLite shop behind the real webhook app on 127.0.0.1, the Bot API
and Graph API stand-ins, the seller desk and the outbox dispatcher. People act only by posting
signed webhook payloads, as Telegram and WhatsApp would; what the bot sent is read back from the
stand-ins (bot/demo/transcript.py)."""
from __future__ import annotations

import contextlib
import copy
import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.demo.standins.graph_api import GraphStandIn
from bot.demo.standins.telegram_api import StandIn
from bot.demo.transcript import Narrator, Transcript
from bot.models import TELEGRAM, WHATSAPP
from bot.outbox.dispatcher import OutboxDispatcher, Senders
from bot.outbox.graph import GraphSender
from bot.outbox.telegram import Limits, TelegramSender
from bot.seller.desk import SellerDesk
from bot.server import init_app
from bot.settings import BotSettings
from bot.webhooks import channels
from ingestion.worker import InboxWorker
from orders.catalog_file import read_catalog
from orders.db import make_engine, make_session_factory
from orders.migrate import upgrade
from orders.services import add_member, create_shop, import_catalog
from orders.services.invites import create_invite
from orders.uow import UnitOfWork

CATALOG_FILE = Path(__file__).resolve().parent.parent / "catalogs" / "pizzeria.json"
SHOP_SLUG = "luigis"
# Made-up credentials: they only ever meet the stand-ins and our own webhook app.
BOT_TOKEN = "7000000001:demo-bot-token_not-real"
TELEGRAM_SECRET = "demo-telegram-webhook-secret"
WA_PHONE_NUMBER_ID = "100000000000001"
WA_APP_SECRET = "demo-whatsapp-app-secret"
PAYMENT_INSTRUCTIONS = "Pay by bank transfer to IBAN DE00 1234 5678 9000 (Luigi's Pizzeria)"
FAST = Limits(per_chat=(1000.0, 5.0), per_group=(1000.0, 20.0), overall=(1000.0, 30.0))


@dataclass(frozen=True)
class Person:
    name: str
    channel: str  # "telegram" or "whatsapp"
    id: str       # Telegram user id (their private chat's id) or WhatsApp wa_id
    role: str = "customer"  # or "seller"


class Stage:
    """One demo run: the database, the shop, the servers, the people and the transcript."""

    def __init__(self, url: str, transcript: Transcript) -> None:
        self.url, self.transcript = url, transcript
        self.engine = make_engine(url)
        self.sessions = make_session_factory(self.engine)
        self.api, self.graph = StandIn(), GraphStandIn()
        self.narrator = Narrator(self.api, self.graph, BOT_TOKEN)
        self._ids = itertools.count(1)
        self._closers = contextlib.AsyncExitStack()  # closes what was opened, last first

    @classmethod
    async def open(cls, url: str, transcript: Transcript) -> Stage:
        await upgrade(url)
        stage = cls(url, transcript)
        try:
            await stage._start()
            await stage._set_up_shop()
        except BaseException:
            await stage.close()
            raise
        return stage

    async def _start(self) -> None:
        closers = self._closers
        closers.push_async_callback(self.engine.dispose)
        await closers.enter_async_context(self.api)
        await closers.enter_async_context(self.graph)
        settings = BotSettings(TELEGRAM_API_BASE_URL=self.api.base_url,
                               GRAPH_API_BASE_URL=self.graph.base_url)
        self.client = TestClient(TestServer(init_app(settings, self.sessions, run_worker=False),
                                            host="127.0.0.1"))
        await self.client.start_server()
        closers.push_async_callback(self.client.close)
        self.desk = SellerDesk(self.sessions, self.api.base_url)
        closers.push_async_callback(self.desk.close)
        self.dispatcher = OutboxDispatcher(
            self.sessions, Senders(TelegramSender(self.api.base_url, limits=FAST),
                                   GraphSender(self.graph.base_url)),
            first_retry=0.05, public_base_url=str(self.client.make_url("")).rstrip("/"))
        closers.push_async_callback(self.dispatcher.senders.close)

    async def close(self) -> None:
        await self._closers.aclose()

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)

    def say(self, label: str, text: str) -> None:
        self.transcript.add(label, text)

    async def _set_up_shop(self) -> None:
        shop_block, products = read_catalog(CATALOG_FILE.read_text(), CATALOG_FILE.name)
        shop = await create_shop(self.uow(), SHOP_SLUG, shop_block["name"],
                                 settings={"payment_instructions": PAYMENT_INSTRUCTIONS})
        report = await import_catalog(self.uow(), SHOP_SLUG, shop_block, products)
        await channels.save(self.uow(), SHOP_SLUG, TELEGRAM,
                            channels.telegram_credentials(BOT_TOKEN, TELEGRAM_SECRET))
        await channels.save(self.uow(), SHOP_SLUG, WHATSAPP, channels.meta_credentials(
            WHATSAPP, WA_PHONE_NUMBER_ID, WA_APP_SECRET, "demo-access-token", "demo-verify"))
        self.say("setup", f"Shop {shop.name!r} ({SHOP_SLUG}): catalog {CATALOG_FILE.name} "
                          f"imported ({len(report.created)} products); a Telegram bot and a "
                          f"WhatsApp number connected.")
        await add_member(self.uow(), SHOP_SLUG, "Dana", "agent", telegram_user_id=1001)
        self.say("setup", "Dana is a seller (agent), linked by her Telegram user id.")

    async def invite(self, role: str) -> str:
        """A one-time code, as `orderbot shop invite` makes it for the shop's owner to pass on."""
        made = await create_invite(self.uow(), SHOP_SLUG, role)
        self.say("setup", f"An invite code for a new {role}: {made.code}")
        return made.code

    def person(self, name: str, channel: str, id: str, role: str = "customer") -> Person:
        self.narrator.names[id] = name
        return Person(name, channel, id, role)

    # ---- acts: signed webhook posts, then the worker (with the desk) and the dispatcher ----

    async def says(self, who: Person, text: str) -> None:
        self.say(f"{who.role} {who.name}", text)
        if who.channel == WHATSAPP:
            await self._whatsapp(who, {"type": "text", "text": {"body": text}})
            return
        message = {"message_id": next(self._ids), "date": int(time.time()), "text": text,
                   "chat": {"id": int(who.id), "type": "private", "first_name": who.name},
                   "from": self._from(who)}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(text.split()[0])}]
        await self._telegram({"message": message})

    async def taps(self, who: Person, label: str, message: dict[str, Any] | None = None,
                   *, note: str = "") -> None:
        """`who` presses the button `label` on `message` (default: the latest one the bot
        sent them that has it), exactly as the bot sent it."""
        if who.channel == WHATSAPP:
            self.say(f"{who.name} taps {label}", note)
            body = self.last_whatsapp_with(who, label)
            [reply] = [b["reply"] for b in body["interactive"]["action"]["buttons"]
                       if b["reply"]["title"] == label]
            await self._whatsapp(who, {
                "type": "interactive", "interactive": {"type": "button_reply", "button_reply": reply},
                "context": {"from": WA_PHONE_NUMBER_ID, "id": "wamid.demo"}})
            return
        message = message or self.last_with(who, label)
        self.say(f"{who.name} taps {button(message, label)[1]}", note)
        query_id = f"cq{next(self._ids)}"
        self.narrator.tappers[query_id] = who.name
        await self._telegram({"callback_query": {
            "id": query_id, "chat_instance": f"ci{who.id}", "data": button(message, label)[0],
            "from": self._from(who),
            "message": {"message_id": message["message_id"], "date": message["date"],
                        "chat": message["chat"], "text": message["text"]}}})

    async def sends_cart(self, who: Person, items: list[dict[str, Any]], shown: str) -> None:
        self.say(f"{who.role} {who.name}", shown)
        await self._whatsapp(who, {"type": "order", "order": {
            "catalog_id": "demo-catalog", "text": "", "product_items": items}})

    async def _telegram(self, update: dict[str, Any]) -> None:
        response = await self.client.post(
            f"/webhooks/telegram/{SHOP_SLUG}", json={"update_id": next(self._ids), **update},
            headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
        await self._settle(response)

    async def _whatsapp(self, who: Person, message: dict[str, Any]) -> None:
        envelope = {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{
            "field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "15550000001",
                             "phone_number_id": WA_PHONE_NUMBER_ID},
                "contacts": [{"profile": {"name": who.name}, "wa_id": who.id}],
                "messages": [{"from": who.id, "id": f"wamid.DEMO{next(self._ids):08d}",
                              "timestamp": str(int(time.time())), **message}]}}]}]}
        body = json.dumps(envelope).encode()
        signature = "sha256=" + hmac.new(WA_APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
        response = await self.client.post("/webhooks/whatsapp", data=body, headers={
            "Content-Type": "application/json", "X-Hub-Signature-256": signature})
        await self._settle(response)

    async def _settle(self, response: Any) -> None:
        if response.status != 200:
            raise RuntimeError(f"the webhook answered {response.status}: {await response.text()}")
        await InboxWorker(self.sessions, idle_wait=0.01, desk=self.desk).drain()
        await self.dispatch()

    async def dispatch(self) -> None:
        """Send whatever is due (the outbox), then show what reached the stand-ins."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and await self.dispatcher.run_once():
            pass
        for label, text in self.narrator.new_lines():
            self.say(label, text)

    @staticmethod
    def _from(who: Person) -> dict[str, Any]:
        return {"id": int(who.id), "is_bot": False, "first_name": who.name}

    # ---- reading what people were sent -----------------------------------------------------

    def messages_to(self, who: Person) -> list[dict[str, Any]]:
        return [m for m in self.api.sent(BOT_TOKEN) if str(m["chat"]["id"]) == who.id]

    def last_with(self, who: Person, label: str) -> dict[str, Any]:
        """A copy of the latest message to `who` with a button `label`, as it is now."""
        for message in reversed(self.messages_to(who)):
            if any(b["text"].startswith(label) for b in buttons(message)):
                return copy.deepcopy(message)
        raise RuntimeError(f"{who.name} has no message with a {label!r} button")

    def last_whatsapp_with(self, who: Person, label: str) -> dict[str, Any]:
        for call in reversed(self.graph.ok()):
            body = call.json
            if body.get("to") == who.id and body.get("type") == "interactive" and any(
                    b["reply"]["title"] == label for b in body["interactive"]["action"]["buttons"]):
                return body
        raise RuntimeError(f"{who.name} has no WhatsApp message with a {label!r} button")


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


def button(message: dict[str, Any], label: str) -> tuple[str, str]:
    """(callback data, full label) of the button `label` (or, failing that, starting with it)."""
    found = buttons(message)
    for b in [b for b in found if b["text"] == label] + [b for b in found if b["text"].startswith(label)]:
        return b["callback_data"], b["text"]
    raise RuntimeError(f"no {label!r} button on {message['text'][:40]!r}")
