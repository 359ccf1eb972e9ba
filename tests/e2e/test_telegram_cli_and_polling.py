"""`orderbot telegram set-webhook` and Telegram polling mode, against the Bot API stand-in
(tests/standins/telegram_api.py) with the real python-telegram-bot client."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot import polling
from bot.cli import main
from bot.models import INSTAGRAM, TELEGRAM, WHATSAPP, Channel
from bot.polling import TelegramPoller
from bot.server import init_app
from bot.settings import BotSettings
from bot.webhooks import channels
from ingestion.models import InboxMessage
from orders.migrate import upgrade
from tests.e2e.conftest import (
    BOT_TOKEN,
    IG_ACCOUNT_ID,
    IG_APP_SECRET,
    SLUG,
    WA_APP_SECRET,
    WA_PHONE_NUMBER_ID,
    WA_VERIFY_TOKEN,
    meta_post,
    payload,
)
from tests.standins.telegram_api import StandIn

TOKEN = "7012345678:AAF-cli-token_for_luigis"
SECRET = "cli-webhook-secret_0123456789"


@pytest.fixture
async def api():
    async with StandIn(max_poll=0.2) as standin:
        yield standin


@pytest.fixture
async def cli(tmp_path, monkeypatch, capsys, api):
    """Run `orderbot ...` on its own SQLite file, off the event loop so the stand-in answers."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.chdir(tmp_path)
    for name, value in {"DATABASE_URL": url, "TELEGRAM_API_BASE_URL": api.base_url,
                        "PUBLIC_BASE_URL": "https://shop.example/"}.items():
        monkeypatch.setenv(name, value)
    await upgrade(url)

    async def run(*argv: str) -> tuple[int, str, str]:
        rc = await asyncio.get_running_loop().run_in_executor(None, main, list(argv))
        captured = capsys.readouterr()
        return rc, captured.out, captured.err
    return run


async def _luigis(cli, *, telegram: bool = True) -> None:
    assert (await cli("shop", "create", "luigis", "--name", "Luigi's"))[0] == 0
    if telegram:
        assert (await cli("channel", "add", "--shop", "luigis", "telegram", "--token", TOKEN,
                          "--secret", SECRET))[0] == 0


# --- orderbot telegram set-webhook -----------------------------------------------------------

async def test_set_webhook_registers_the_shop_url_with_its_secret(cli, api):
    await _luigis(cli)
    rc, out, err = await cli("telegram", "set-webhook", "--shop", "luigis")
    assert (rc, err) == (0, "")
    url = "https://shop.example/webhooks/telegram/luigis"
    assert api.webhook(TOKEN) == {"url": url, "secret_token": SECRET,
                                  "allowed_updates": ["message", "edited_message",
                                                      "callback_query"]}
    assert [c.token for c in api.calls_of("setWebhook")] == [TOKEN]
    assert f"registered webhook {url} for @standin_7012345678_bot (bot 7012345678)" in out
    assert SECRET not in out and TOKEN not in out


async def test_set_webhook_for_an_unknown_shop_names_it(cli, api):
    rc, out, err = await cli("telegram", "set-webhook", "--shop", "nobody")
    assert (rc, out) == (1, "")
    assert err.startswith("error: --shop:") and "nobody" in err
    assert api.calls == []


async def test_set_webhook_for_a_shop_without_telegram_says_how_to_add_one(cli, api):
    await _luigis(cli, telegram=False)
    rc, _, err = await cli("telegram", "set-webhook", "--shop", "luigis")
    assert rc == 1 and "luigis has no Telegram channel" in err
    assert "orderbot channel add --shop luigis telegram" in err
    assert api.calls == []


async def test_set_webhook_reports_telegram_refusing_a_plain_http_url(cli, api, monkeypatch):
    await _luigis(cli)
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://localhost:8080")
    rc, _, err = await cli("telegram", "set-webhook", "--shop", "luigis")
    assert rc == 1 and "Telegram did not register the webhook" in err and "https url" in err
    assert SECRET not in err
    assert api.webhook(TOKEN) is None


async def test_set_webhook_uses_the_first_shops_credentials_from_the_environment(
        cli, api, monkeypatch):
    await _luigis(cli, telegram=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", SECRET)
    rc, out, _ = await cli("telegram", "set-webhook", "--shop", "luigis")
    assert rc == 0 and "/webhooks/telegram/luigis" in out
    assert api.webhook(TOKEN)["secret_token"] == SECRET


# --- the first shop's credentials from the environment -----------------------------------------

@pytest.fixture
def first_shop_env(monkeypatch):
    """Set environment variables for `channels.environment()` (read once, so re-read here)."""
    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        channels.environment.cache_clear()
    channels.environment.cache_clear()
    yield set_env
    monkeypatch.undo()
    channels.environment.cache_clear()


def _env(**values: str) -> BotSettings:
    return BotSettings(_env_file=None, **values)


TG_ENV = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET}
WA_ENV = {"WHATSAPP_PHONE_NUMBER_ID": WA_PHONE_NUMBER_ID, "WHATSAPP_APP_SECRET": WA_APP_SECRET,
          "WHATSAPP_VERIFY_TOKEN": WA_VERIFY_TOKEN, "WHATSAPP_ACCESS_TOKEN": "wa-access"}
IG_ENV = {"INSTAGRAM_ACCOUNT_ID": IG_ACCOUNT_ID, "INSTAGRAM_APP_SECRET": IG_APP_SECRET}


async def test_only_the_oldest_shop_takes_telegram_credentials_from_the_environment(db, make):
    first, second = await make.shop("first"), await make.shop("second")
    env = _env(**TG_ENV)
    async with db.uow() as uow:
        channel = await channels.telegram_of(uow.session, "first", env)
        assert (channel.shop_id, channel.token, channel.secret, channel.account_id) == (
            first.id, TOKEN, SECRET, "7012345678")
        assert await channels.telegram_of(uow.session, "second", env) is None
        assert await channels.telegram_of(uow.session, "first", _env()) is None
        assert await channels.telegram_of(  # both settings are needed
            uow.session, "first", _env(TELEGRAM_BOT_TOKEN=TOKEN)) is None
        assert [c.shop_id for c in await channels.telegram_all(uow.session, env)] == [first.id]
    async with db.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Channel)) == 0
    assert second.id != first.id


async def test_a_stored_channel_wins_over_the_environment(db, make):
    await make.shop("first")
    await channels.save(db.uow(), "first", TELEGRAM,
                        channels.telegram_credentials("7000000001:stored-token", "stored_secret"))
    async with db.uow() as uow:
        channel = await channels.telegram_of(uow.session, "first", _env(**TG_ENV))
        assert (channel.token, channel.secret) == ("7000000001:stored-token", "stored_secret")
        assert len(await channels.telegram_all(uow.session, _env(**TG_ENV))) == 1


async def test_whatsapp_and_instagram_route_their_ids_from_the_environment(db, make):
    first = await make.shop("first")
    await make.shop("second")
    env = _env(**WA_ENV, **IG_ENV)
    async with db.uow() as uow:
        routed = await channels.by_account(uow.session, WHATSAPP, {WA_PHONE_NUMBER_ID, "999"}, env)
        assert list(routed) == [WA_PHONE_NUMBER_ID]
        assert (routed[WA_PHONE_NUMBER_ID].shop_id, routed[WA_PHONE_NUMBER_ID].secret) == (
            first.id, WA_APP_SECRET)
        assert await channels.verify_token_known(uow.session, WA_VERIFY_TOKEN, env)
        assert not await channels.verify_token_known(uow.session, "guess", env)
        assert list(await channels.by_account(uow.session, INSTAGRAM, {IG_ACCOUNT_ID}, env)) == [
            IG_ACCOUNT_ID]
        # Without the phone-number id the environment cannot route anything.
        no_id = _env(WHATSAPP_APP_SECRET=WA_APP_SECRET, WHATSAPP_VERIFY_TOKEN=WA_VERIFY_TOKEN)
        assert await channels.by_account(uow.session, WHATSAPP, {WA_PHONE_NUMBER_ID}, no_id) == {}
        assert not await channels.verify_token_known(uow.session, WA_VERIFY_TOKEN, no_id)


@pytest.fixture
async def env_app(aiohttp_client, db, make, settings):
    """The real app for two shops with no stored channels; the first one's come from the env."""
    await make.shop(SLUG)
    await make.shop("marios")
    return await aiohttp_client(init_app(settings, db.session_factory, run_worker=False))


async def test_webhooks_accept_the_first_shops_environment_credentials(
        env_app, db, first_shop_env):
    first_shop_env(**TG_ENV, **WA_ENV)
    tg = payload("telegram/message.json")
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert (await env_app.post(f"/webhooks/telegram/{SLUG}", json=tg, headers=headers)).status == 200
    assert (await env_app.post("/webhooks/telegram/marios", json=tg, headers=headers)).status == 404
    wrong = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
    assert (await env_app.post(f"/webhooks/telegram/{SLUG}", json=tg, headers=wrong)).status == 401
    verify = await env_app.get("/webhooks/whatsapp", params={
        "hub.mode": "subscribe", "hub.verify_token": WA_VERIFY_TOKEN, "hub.challenge": "42"})
    assert verify.status == 200 and await verify.text() == "42"
    wa = await env_app.post("/webhooks/whatsapp",
                            **meta_post(payload("whatsapp/text.json"), WA_APP_SECRET))
    assert wa.status == 200
    async with db.uow() as uow:
        rows = list(await uow.session.scalars(select(InboxMessage)))
    assert sorted(r.channel for r in rows) == ["telegram", "whatsapp"]
    assert {r.shop_id for r in rows} == {await _shop_id(db, SLUG)}


async def test_without_environment_credentials_the_shop_has_no_channels(env_app, first_shop_env):
    first_shop_env()
    resp = await env_app.post(f"/webhooks/telegram/{SLUG}", json=payload("telegram/message.json"),
                              headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert resp.status == 404


async def _shop_id(db, slug: str):
    async with db.uow() as uow:
        return (await uow.shops.by_slug(slug)).id


# --- polling mode ------------------------------------------------------------------------------

def _poller(pizzeria, api, **kwargs) -> TelegramPoller:
    channel = Channel(shop_id=pizzeria.shop.id, kind=TELEGRAM, token=BOT_TOKEN, secret="unused")
    return TelegramPoller(pizzeria.db.session_factory, channel, api.base_url, timeout=0, **kwargs)


def _update(update_id: int, text: str) -> dict:
    data = payload("telegram/message.json")
    data["update_id"] = update_id
    data["message"]["text"] = text
    return data


async def test_polled_updates_are_stored_like_webhook_ones_and_become_drafts(pizzeria, api):
    message = api.queue_update(BOT_TOKEN, payload("telegram/message.json"))
    api.queue_update(BOT_TOKEN, {"update_id": message["update_id"] + 1,
                                 "channel_post": message["message"]})  # not ours: skipped
    woken = []
    poller = _poller(pizzeria, api, on_stored=lambda: woken.append(1))
    async with poller.bot:
        assert await poller.poll_once() == 1
        assert poller.offset == message["update_id"] + 2
        assert await poller.poll_once() == 0  # this getUpdates confirmed the batch
    [row] = await pizzeria.inbox()
    assert (row.shop_id, row.channel, row.external_id, row.kind) == (
        pizzeria.shop.id, "telegram", str(message["update_id"]), "text")
    assert row.message["sender_name"] == "Ana Lima" and woken == [1]
    [first, second] = api.calls_of("getUpdates", BOT_TOKEN)
    assert second.params["offset"] in (message["update_id"] + 2, str(message["update_id"] + 2))
    assert first.params["allowed_updates"] == ["message", "edited_message", "callback_query"]
    await pizzeria.drain()
    [draft] = await pizzeria.drafts()
    assert draft.channel == "telegram" and draft.chat_id == "412345678"
    assert {(line["sku"], line["quantity"]) for line in draft.content["lines"]} == {
        ("PEPPERONI_PIZZA", 2), ("COKE", 1)}


async def test_an_update_served_twice_is_stored_once(pizzeria, api):
    api.queue_update(BOT_TOKEN, _update(500, "2 margherita pizzas"))
    crashed = _poller(pizzeria, api)
    async with crashed.bot:
        assert await crashed.poll_once() == 1  # stored; its offset never reached Telegram
    restarted = _poller(pizzeria, api)
    async with restarted.bot:
        assert await restarted.poll_once() == 0  # the same update_id, served again
    assert [c.status for c in api.calls_of("getUpdates")] == [200, 200]
    assert await pizzeria.inbox_count() == 1
    await pizzeria.drain()
    assert len(await pizzeria.drafts()) == 1


async def test_serve_with_polling_turns_queued_updates_into_drafts(
        aiohttp_client, pizzeria, api, settings, monkeypatch):
    """The app as `orderbot serve --polling` builds it: its own worker and a poller per bot;
    a failed getUpdates (500) is paused over and polled again."""
    monkeypatch.setattr(polling, "ERROR_PAUSE", 0.01)
    api.fail("getUpdates", times=1)
    settings = settings.model_copy(update={"TELEGRAM_API_BASE_URL": api.base_url})
    app = init_app(settings, pizzeria.db.session_factory)
    app.cleanup_ctx.append(polling.pollers(settings))
    api.queue_update(BOT_TOKEN, payload("telegram/message.json"))
    await aiohttp_client(app)
    for _ in range(100):
        if await pizzeria.drafts():
            break
        await asyncio.sleep(0.05)
    assert len(await pizzeria.drafts()) == 1
    assert api.calls_of("deleteWebhook", BOT_TOKEN)  # polling and a webhook exclude each other
    assert [c.status for c in api.calls_of("getUpdates")][:2] == [500, 200]
