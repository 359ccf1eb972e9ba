"""GET/POST /webhooks/whatsapp: the WhatsApp Cloud API webhook.

GET is Meta's verification handshake. A POST is signed (`X-Hub-Signature-256`) with the app
secret of the shop that `entry[].changes[].value.metadata.phone_number_id` routes to; each of
`value.messages[]` is stored, keyed by its message id (wamid). `statuses[]` (sent, delivered,
read, failed) are answered and not stored: the outbox dispatcher will track its own sends.
Changes of other fields (account or template updates) name no phone number, so no shop's secret
can check them: they are answered 200 and nothing is stored (the header must still be there).
"""
from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web

from bot.models import WHATSAPP
from bot.webhooks import channels, customer_buttons, meta
from bot.webhooks.errors import BadPayload, VerificationFailed
from bot.webhooks.intake import require
from bot.webhooks.keys import SESSIONS
from ingestion.inbox import IncomingMessage
from orders.uow import UnitOfWork

CHANNEL = WHATSAPP


async def verify(request: web.Request) -> web.Response:
    """Meta's subscription check: echo hub.challenge when the verify token is a shop's."""
    query = request.query
    if query.get("hub.mode") != "subscribe" or "hub.challenge" not in query:
        raise BadPayload("expected hub.mode=subscribe with hub.challenge")
    async with UnitOfWork(request.app[SESSIONS]).reading() as uow:
        known = await channels.verify_token_known(uow.session, query.get("hub.verify_token", ""))
    if not known:
        raise VerificationFailed()
    return web.Response(text=query["hub.challenge"], content_type="text/plain")


async def receive_notification(request: web.Request) -> web.Response:
    """Route by phone-number id, check the signature, store each message, answer 200."""
    return await meta.receive_signed(request, CHANNEL, changes, incoming)


def changes(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(phone_number_id, value) of each `messages` change in the envelope."""
    require(data.get("object") == "whatsapp_business_account",
            'object must be "whatsapp_business_account"')
    found = []
    for entry in _list(data.get("entry"), "entry"):
        for change in _list(_dict(entry, "entry[]").get("changes"), "entry[].changes"):
            value = _dict(_dict(change, "changes[]").get("value"), "changes[].value")
            if change.get("field", "messages") != "messages":
                continue
            number = _dict(value.get("metadata"), "value.metadata").get("phone_number_id")
            require(isinstance(number, str) and bool(number), "metadata.phone_number_id missing")
            found.append((number, value))
    return found


def incoming(shop_id: uuid.UUID, value: dict[str, Any], secret: str = "") -> list[IncomingMessage]:
    names = {c.get("wa_id"): (c.get("profile") or {}).get("name")
             for c in _list(value.get("contacts", []), "value.contacts") if isinstance(c, dict)}
    stored = []
    for message in _list(value.get("messages", []), "value.messages"):
        message = _dict(message, "messages[]")
        require(isinstance(message.get("id"), str) and isinstance(message.get("from"), str),
                "a message needs an id and a from")
        normalized = customer_buttons.tapped(normalize(message, names.get(message["from"])),
                                             secret)
        stored.append(IncomingMessage(shop_id, CHANNEL, message["id"], normalized["kind"],
                                      normalized))
    _list(value.get("statuses", []), "value.statuses")  # shape-checked, then left alone
    return stored


def normalize(message: dict[str, Any], name: str | None) -> dict[str, Any]:
    wa_id = message["from"]
    base = {"sender": wa_id, "chat": wa_id, "sender_name": name, "phone": f"+{wa_id}",
            "type": message.get("type")}
    kind = message.get("type")
    if kind == "text":
        return base | {"kind": "text", "text": _dict(message.get("text"), "text").get("body", "")}
    if kind == "interactive":
        reply = _interactive_reply(_dict(message.get("interactive"), "interactive"))
        if reply is not None:
            return base | {"kind": "text", "text": reply.get("title") or reply.get("id", ""),
                           "reply_id": reply.get("id")}
    if kind == "button":
        button = _dict(message.get("button"), "button")
        return base | {"kind": "text", "text": button.get("text") or button.get("payload", ""),
                       "reply_id": button.get("payload")}
    if kind == "order":
        order = _dict(message.get("order"), "order")
        return base | {"kind": "cart", "text": order.get("text"),
                       "catalog_id": order.get("catalog_id"),
                       "items": [_cart_item(item) for item in
                                 _list(order.get("product_items"), "order.product_items")]}
    return base | {"kind": "unsupported"}


def _interactive_reply(interactive: dict[str, Any]) -> dict[str, Any] | None:
    kind = interactive.get("type")
    if kind in ("button_reply", "list_reply"):
        return _dict(interactive.get(kind), f"interactive.{kind}")
    return None


def _cart_item(item: Any) -> dict[str, Any]:
    item = _dict(item, "product_items[]")
    return {"product_retailer_id": item.get("product_retailer_id"),
            "quantity": item.get("quantity"), "item_price": item.get("item_price"),
            "currency": item.get("currency")}


def _list(value: Any, where: str) -> list:
    require(isinstance(value, list), f"{where} must be a list")
    return value


def _dict(value: Any, where: str) -> dict:
    require(isinstance(value, dict), f"{where} must be an object")
    return value
