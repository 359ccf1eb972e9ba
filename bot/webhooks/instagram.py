"""POST /webhooks/instagram: Instagram messaging (Messenger Platform shape).

`object: "instagram"`, `entry[].messaging[]` with sender, recipient and `message {mid, text,
quick_reply, is_echo, attachments}`; signed like WhatsApp with the app secret of the shop whose
account id is the entry id. Echoes (our own sends) and events without a message (reads,
reactions) are answered and not stored; a message without text (an attachment) is stored as
"unsupported".
"""
from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web

from bot.models import INSTAGRAM
from bot.webhooks import customer_buttons, meta
from bot.webhooks.intake import require
from ingestion.inbox import IncomingMessage

CHANNEL = INSTAGRAM


async def receive_notification(request: web.Request) -> web.Response:
    """Route by account id, check the signature, store each customer message, answer 200."""
    return await meta.receive_signed(request, CHANNEL, entries_of, incoming)


def entries_of(data: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(account id, messaging events) of each entry."""
    require(data.get("object") == "instagram", 'object must be "instagram"')
    entries = data.get("entry")
    require(isinstance(entries, list), "entry must be a list")
    found = []
    for entry in entries:
        require(isinstance(entry, dict), "entry[] must be an object")
        account = entry.get("id")
        require(isinstance(account, str | int) and str(account) != "", "entry[].id missing")
        events = entry.get("messaging", [])
        require(isinstance(events, list) and all(isinstance(e, dict) for e in events),
                "entry[].messaging must be a list of objects")
        found.append((str(account), events))
    return found


def incoming(shop_id: uuid.UUID, events: list[dict[str, Any]],
             secret: str = "") -> list[IncomingMessage]:
    stored = []
    for event in events:
        message = event.get("message")
        if message is None:
            continue  # read receipts, reactions, ...
        require(isinstance(message, dict) and isinstance(message.get("mid"), str),
                "messaging[].message needs a mid")
        if message.get("is_echo") or message.get("is_deleted"):
            continue
        normalized = customer_buttons.tapped(normalize(event, message), secret)
        stored.append(IncomingMessage(shop_id, CHANNEL, message["mid"], normalized["kind"],
                                      normalized))
    return stored


def normalize(event: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    sender = event.get("sender")
    require(isinstance(sender, dict) and sender.get("id") not in (None, ""),
            "messaging[].sender.id missing")
    base = {"sender": str(sender["id"]), "chat": str(sender["id"]), "sender_name": None}
    quick_reply = message.get("quick_reply")
    if isinstance(quick_reply, dict):
        base["reply_id"] = quick_reply.get("payload")
    text = message.get("text") or base.get("reply_id")
    if isinstance(text, str) and text:
        return base | {"kind": "text", "text": text}
    return base | {"kind": "unsupported"}
