"""POST /webhooks/telegram/{shop}: one Telegram update per request.

Checked against the shop's webhook secret (`X-Telegram-Bot-Api-Secret-Token`), decoded by
python-telegram-bot, stored in the inbox keyed by update_id. Kinds stored: a message or an
edited message (text, or a shared contact) -> "text"; a callback query -> "callback"; any other
message (sticker, photo, ...) -> "unsupported". Other update types are answered and not stored
(the webhook is registered for these three only).
"""
from __future__ import annotations

import hmac
import uuid
from typing import Any

from aiohttp import web
from telegram import CallbackQuery, Message, Update

from bot.webhooks import channels, intake
from bot.webhooks.errors import BadPayload, BadSignature, UnknownShop
from bot.webhooks.keys import TELEGRAM_BOTS
from bot.webhooks.telegram_plain import plain_update
from ingestion.inbox import IncomingMessage

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def receive_update(request: web.Request) -> web.Response:
    """Check the secret, decode the update, store it, answer 200."""
    slug = request.match_info["shop"]
    channel = await _checked_channel(request, slug)
    data = intake.parse_json(await intake.read_body(request))
    return await intake.deliver(request, _inbox_rows(request, channel, data))


def _inbox_rows(request: web.Request, channel: channels.TelegramEndpoint,
                data: dict[str, Any]) -> list[IncomingMessage]:
    """A plain text message skips python-telegram-bot's decoding (telegram_plain); the row
    is the same either way."""
    plain = plain_update(data)
    if plain is not None:
        try:
            return incoming(channel.shop_id, plain, data)
        except AttributeError:  # `incoming` now reads more than a plain update carries
            pass
    update = decode(data, request.app[TELEGRAM_BOTS].application(channel.token).bot)
    return incoming(channel.shop_id, update, data)


async def _checked_channel(request: web.Request, slug: str) -> channels.TelegramEndpoint:
    """The shop's channel (cached), if the secret header matches it; a mismatch is checked
    once more against the database, so a secret rotated a moment ago is accepted."""
    endpoints = request.app[intake.TELEGRAM_ENDPOINTS]
    given = request.headers.get(SECRET_HEADER, "").encode()
    for refresh in (False, True):
        channel = await endpoints.get(slug, refresh=refresh)
        if channel is None:
            raise UnknownShop(CHANNEL, slug)
        if hmac.compare_digest(given, channel.secret.encode()):
            return channel
    raise BadSignature(SECRET_HEADER)


def decode(data: dict[str, Any], bot: Any) -> Update:
    update_id = data.get("update_id")
    # bool is an int in Python; JSON true/false is no update id.
    intake.require(isinstance(update_id, int) and not isinstance(update_id, bool),
                   "update_id must be an integer")
    try:
        return Update.de_json(data, bot)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadPayload(f"not a Telegram update ({type(exc).__name__}: {exc})") from None


def incoming(shop_id: uuid.UUID, update: Update,
             raw: dict[str, Any] | None = None) -> list[IncomingMessage]:
    """The inbox row for an update. The raw update rides along (`"update"`): a seller's update
    is replayed through the chat handlers (`bot/seller`) exactly as Telegram sent it."""
    if update.message is not None:
        message = from_message(update.message)
    elif update.edited_message is not None:
        message = from_message(update.edited_message) | {"edited": True}
    elif update.callback_query is not None:
        message = from_callback(update.callback_query)
    else:
        return []
    message["update"] = raw if raw is not None else update.to_dict()
    return [IncomingMessage(shop_id, CHANNEL, str(update.update_id), message["kind"], message)]


def from_message(message: Message) -> dict[str, Any]:
    user = message.from_user
    normalized: dict[str, Any] = {
        "sender": str(user.id if user else message.chat.id), "chat": str(message.chat.id),
        "sender_name": user.full_name if user else message.chat.effective_name,
        "message_id": message.message_id}
    text = message.text or message.caption
    if message.contact is not None:
        phone = message.contact.phone_number
        phone = phone if phone.startswith("+") else f"+{phone}"
        return normalized | {"kind": "text", "text": phone, "phone": phone}
    if text:
        return normalized | {"kind": "text", "text": text}
    return normalized | {"kind": "unsupported", "type": _message_type(message)}


def from_callback(query: CallbackQuery) -> dict[str, Any]:
    chat = query.message.chat.id if query.message is not None else query.from_user.id
    return {"kind": "callback", "sender": str(query.from_user.id), "chat": str(chat),
            "sender_name": query.from_user.full_name, "data": query.data,
            "callback_query_id": query.id,
            "message_id": query.message.message_id if query.message is not None else None}


def _message_type(message: Message) -> str:
    for name in ("sticker", "photo", "voice", "video", "audio", "document", "location",
                 "animation", "video_note", "poll", "dice", "venue"):
        if getattr(message, name, None):
            return name
    return "other"
