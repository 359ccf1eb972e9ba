"""A plain text update read without python-telegram-bot makes the same inbox row as the full
decoding, and anything less plain is left to python-telegram-bot."""
from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.webhooks.telegram import decode, incoming
from bot.webhooks.telegram_plain import plain_update

SHOP = uuid.UUID("00000000-0000-0000-0000-000000000001")


def text_update(**message: Any) -> dict[str, Any]:
    base = {"message_id": 7, "date": 1763920800, "text": "two pizzas please",
            "from": {"id": 412345678, "is_bot": False, "first_name": "Ana"},
            "chat": {"id": 412345678, "first_name": "Ana", "type": "private"}}
    return {"update_id": 815303001, "message": base | message}


def both_ways(data: dict[str, Any]) -> tuple[list, list]:
    plain = plain_update(copy.deepcopy(data))
    assert plain is not None, "expected the plain path to take this update"
    return (incoming(SHOP, plain, copy.deepcopy(data)),
            incoming(SHOP, decode(copy.deepcopy(data), None), copy.deepcopy(data)))


@pytest.mark.parametrize("data", [
    text_update(),
    text_update(**{"from": {"id": 5, "is_bot": False, "first_name": "Ana", "last_name": "Ruiz",
                            "username": "ana", "language_code": "es", "is_premium": True}}),
    text_update(chat={"id": -100123, "type": "supergroup", "title": "Sellers"}),
    text_update(**{"from": {"id": 5, "is_bot": False, "first_name": "Ana", "last_name": ""}}),
    text_update(text="con \x00 nul and ünïcödé ✓"),
    {"update_id": 9, "edited_message": text_update(edit_date=1763920900)["message"]},
], ids=["text", "full-user", "group", "empty-last-name", "odd-text", "edited"])
def test_plain_text_update_makes_the_same_row_as_full_decoding(data):
    fast, full = both_ways(data)
    assert fast == full


names = st.text(min_size=1, max_size=20)


@settings(max_examples=200, deadline=None)
@given(first=names, last=st.none() | st.text(max_size=20), text=st.text(min_size=1, max_size=80),
       update_id=st.integers(0, 2 ** 53), chat_id=st.integers(-2 ** 52, 2 ** 52))
def test_any_plain_text_update_makes_the_same_row(first, last, text, update_id, chat_id):
    user = {"id": abs(chat_id) + 1, "is_bot": False, "first_name": first}
    if last is not None:
        user["last_name"] = last
    data = text_update(text=text, chat={"id": chat_id, "type": "private"}, **{"from": user})
    data["update_id"] = update_id
    fast, full = both_ways(data)
    assert fast == full


@pytest.mark.parametrize("data", [
    text_update(entities=[{"type": "bot_command", "offset": 0, "length": 6}], text="/start"),
    text_update(text=None, caption="a photo", photo=[]),
    text_update(text=None, contact={"phone_number": "+14155550123", "first_name": "Ana"}),
    text_update(text=""),
    text_update(date="yesterday"),
    text_update(date=10 ** 20),
    text_update(message_id=True),
    text_update(**{"from": {"id": 5, "first_name": "Ana"}}),            # is_bot missing
    text_update(**{"from": {"id": 5, "is_bot": False, "first_name": ""}}),
    text_update(**{"from": {"id": 5, "is_bot": False, "first_name": {"x": 1}}}),
    text_update(chat={"id": 5}),                                        # type missing
    {"update_id": True, "message": text_update()["message"]},
    {"update_id": 1, "message": text_update()["message"], "callback_query": {}},
    {"update_id": 1, "callback_query": {"id": "1", "from": {"id": 5}}},
], ids=["command", "caption", "contact", "empty-text", "string-date", "huge-date", "bool-id",
        "no-is-bot", "empty-first-name", "object-name", "chat-without-type", "bool-update-id",
        "two-kinds", "callback"])
def test_anything_less_plain_is_left_to_python_telegram_bot(data):
    assert plain_update(data) is None
