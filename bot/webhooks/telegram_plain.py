"""The common Telegram update, a plain text message, read without python-telegram-bot.

`Update.de_json` builds a whole object tree (about half a millisecond per update, most of a
webhook request's CPU time); a plain text message only needs the handful of attributes
`telegram.incoming` reads. `plain_update(data)` gives exactly those, as a stand-in object that
`incoming` turns into the inbox row, or None for anything else (commands with entities,
captions, contacts, callbacks, stickers, unexpected fields or types): those go through
python-telegram-bot as before. Only shapes python-telegram-bot accepts are taken, so the
answer (200 or 400) never depends on which way an update went, and the row is the same
(tests/unit/bot/test_telegram_plain.py compares the two ways).
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

_MESSAGE_KEYS = frozenset({"message_id", "date", "text", "from", "chat", "edit_date"})
_USER_KEYS = frozenset({"id", "is_bot", "first_name", "last_name", "username", "language_code",
                        "is_premium"})
_CHAT_KEYS = frozenset({"id", "type", "first_name", "last_name", "username", "title"})
_KINDS = ("message", "edited_message")


def plain_update(data: dict[str, Any]) -> SimpleNamespace | None:
    """A stand-in for `Update` when `data` is a plain text message (or its edit); else None."""
    if len(data) != 2 or not _integer(data.get("update_id")):
        return None
    kind = next((k for k in _KINDS if k in data), None)
    message = data.get(kind) if kind else None
    if not isinstance(message, dict) or not message.keys() <= _MESSAGE_KEYS:
        return None
    user, chat, text = message.get("from"), message.get("chat"), message.get("text")
    if not (_integer(message.get("message_id")) and _timestamp(message.get("date"))
            and isinstance(text, str) and text
            and _timestamp(message.get("edit_date", 0))
            and _plain(user, _USER_KEYS) and _plain(chat, _CHAT_KEYS)
            and _integer(user.get("id")) and _integer(chat.get("id"))
            and isinstance(user.get("is_bot"), bool) and isinstance(chat.get("type"), str)
            and isinstance(user.get("first_name"), str) and user["first_name"]
            and isinstance(user.get("last_name", ""), str)):
        return None
    first, last = user["first_name"], user.get("last_name")
    sender = SimpleNamespace(id=user["id"], full_name=f"{first} {last}" if last else first)
    plain = SimpleNamespace(message_id=message["message_id"], text=text, caption=None,
                            contact=None, from_user=sender, chat=SimpleNamespace(id=chat["id"]))
    return SimpleNamespace(update_id=data["update_id"], callback_query=None,
                           message=plain if kind == "message" else None,
                           edited_message=plain if kind == "edited_message" else None)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _timestamp(value: Any) -> bool:
    """Unix seconds python-telegram-bot turns into a datetime without complaint."""
    return _integer(value) and 0 <= value < 2 ** 32


def _plain(value: Any, keys: frozenset[str]) -> bool:
    """A JSON object with only the fields a plain message has, each a string, number or bool."""
    return (isinstance(value, dict) and value.keys() <= keys
            and all(isinstance(v, str | int | bool) for v in value.values()))
