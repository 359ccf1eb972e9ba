"""The Telegram Bot API stand-in (tests/standins/telegram_api.py) answers the REAL
python-telegram-bot client the way Telegram does: parsed results, recorded calls, scripted
429s and 500s raising the client's own errors, getUpdates by offset."""
from __future__ import annotations

import datetime as dt
import time

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    Conflict,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from tests.standins.telegram_api import StandIn

TOKEN = "7012345678:AAF-standin-token"
OTHER_TOKEN = "7099999999:AAF-other-token"


@pytest.fixture
async def api():
    async with StandIn(max_poll=0.3) as standin:
        yield standin


@pytest.fixture
async def bot(api):
    async with Bot(TOKEN, base_url=api.base_url) as bot:  # initialize() calls getMe
        yield bot


async def test_get_me_describes_a_bot_as_ptb_expects(api, bot):
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (7012345678, True, "standin_7012345678_bot")
    assert me.can_join_groups is True
    assert api.base_url.startswith("http://127.0.0.1:") and api.base_url.endswith("/bot")
    assert [c.method for c in api.calls] == ["getMe", "getMe"]
    assert {c.token for c in api.calls} == {TOKEN}


async def test_send_message_returns_a_full_message_dated_in_seconds(api, bot):
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Approve", callback_data="a:1")]])
    first = await bot.send_message(chat_id=42, text="hello", reply_markup=keyboard)
    second = await bot.send_message(chat_id=-100123, text="to the group")
    assert (first.message_id, second.message_id) == (1, 2)
    assert (first.chat.id, first.chat.type, first.text) == (42, "private", "hello")
    assert second.chat.type == "supergroup"
    assert abs(first.date - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
    assert first.reply_markup.inline_keyboard[0][0].callback_data == "a:1"
    call = api.calls_of("sendMessage")[0]
    assert (call.token, call.status, call.params["text"]) == (TOKEN, 200, "hello")
    assert str(call.params["chat_id"]) == "42"
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a:1"


async def test_json_bodies_are_accepted_too(api, bot):
    async with aiohttp.ClientSession() as session, session.post(
            f"{api.base_url}{TOKEN}/sendMessage", json={"chat_id": 7, "text": "json"}) as answer:
        result = (await answer.json())["result"]
    assert (result["chat"]["id"], result["message_id"]) == (7, 1)
    assert api.calls_of("sendMessage")[0].params == {"chat_id": 7, "text": "json"}


async def test_edit_message_text_changes_the_sent_message(api, bot):
    sent = await bot.send_message(chat_id=42, text="Draft #1: 2 pizzas")
    edited = await bot.edit_message_text("Approved by Dana", chat_id=42,
                                         message_id=sent.message_id)
    assert edited.text == "Approved by Dana" and edited.edit_date is not None
    assert [m["text"] for m in api.sent(TOKEN)] == ["Approved by Dana"]
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Approved by Dana", chat_id=42, message_id=sent.message_id)
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_message_text("x", chat_id=42, message_id=999)


async def test_answer_callback_query(api, bot):
    assert await bot.answer_callback_query("cq-1", text="Approved") is True
    assert api.calls_of("answerCallbackQuery")[0].params["callback_query_id"] == "cq-1"


async def test_set_webhook_records_url_and_secret(api, bot):
    assert await bot.set_webhook("https://shop.example/webhooks/telegram/luigis",
                                 secret_token="s3cret", allowed_updates=["message"])
    assert api.webhook(TOKEN) == {"url": "https://shop.example/webhooks/telegram/luigis",
                                  "secret_token": "s3cret", "allowed_updates": ["message"]}
    info = await bot.get_webhook_info()
    assert (info.url, info.allowed_updates) == (
        "https://shop.example/webhooks/telegram/luigis", ("message",))
    assert await bot.delete_webhook()
    assert api.webhook(TOKEN) is None and (await bot.get_webhook_info()).url == ""


async def test_429_raises_retry_after_with_the_scripted_seconds(api, bot):
    api.rate_limit("sendMessage", times=2, retry_after=7)
    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(chat_id=42, text="hi")
        assert caught.value.retry_after in (7, dt.timedelta(seconds=7))  # int until PTB 23
    assert (await bot.send_message(chat_id=42, text="hi")).message_id == 1
    assert [c.status for c in api.calls_of("sendMessage")] == [429, 429, 200]
    assert len(api.sent(TOKEN)) == 1
    assert (await bot.get_me()).is_bot  # other methods are not limited


async def test_500_raises_network_error_for_the_scripted_calls(api, bot):
    api.fail(None, times=1)
    with pytest.raises(NetworkError) as caught:
        await bot.edit_message_text("x", chat_id=1, message_id=1)
    assert isinstance(caught.value, TelegramError)
    api.fail("sendMessage", times=1, status=502)
    with pytest.raises(NetworkError):
        await bot.send_message(chat_id=42, text="hi")
    assert (await bot.send_message(chat_id=42, text="hi")).message_id == 1
    assert [c.status for c in api.calls[-3:]] == [500, 502, 200]


def _update(update_id: int, text: str = "hi") -> dict:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": 42, "type": "private", "first_name": "Ann"},
        "from": {"id": 42, "is_bot": False, "first_name": "Ann"}}}


async def test_get_updates_serves_by_offset_and_waits_briefly_when_empty(api, bot):
    api.queue_update(TOKEN, _update(10, "two pizzas"))
    api.queue_update(TOKEN, _update(11))
    api.queue_update(OTHER_TOKEN, _update(99))
    updates = await bot.get_updates(timeout=5)
    assert [u.update_id for u in updates] == [10, 11]
    assert updates[0].message.text == "two pizzas"
    # Not confirmed yet (no offset): served again, as after a poller crashed mid-batch.
    assert [u.update_id for u in await bot.get_updates()] == [10, 11]
    assert [u.update_id for u in await bot.get_updates(offset=11)] == [11]  # 10 confirmed
    started = time.monotonic()
    assert await bot.get_updates(offset=12, timeout=5) == ()
    assert 0.2 < time.monotonic() - started < 2  # long poll capped by max_poll
    api.queue_update(TOKEN, _update(12))
    assert [u.update_id for u in await bot.get_updates(offset=12, timeout=5)] == [12]


async def test_get_updates_conflicts_with_a_webhook(api, bot):
    await bot.set_webhook("https://shop.example/hook")
    with pytest.raises(Conflict):
        await bot.get_updates()


async def test_a_malformed_token_is_refused_as_telegram_does(api):
    with pytest.raises(InvalidToken):
        await Bot("not-a-token", base_url=api.base_url).get_me()
