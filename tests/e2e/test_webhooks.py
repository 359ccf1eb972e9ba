"""The webhook server end to end: each platform's documented payloads, signed with the test
secrets, go through the real aiohttp app into the inbox and, by the worker, into drafts; every
bad input is refused with its status code and leaves the inbox empty."""
from __future__ import annotations

import asyncio
import concurrent.futures

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.cli import main
from orders.db import Base
from orders.migrate import upgrade
from tests.e2e.conftest import (IG_APP_SECRET, SLUG, TELEGRAM_SECRET, WA_APP_SECRET,
                                WA_VERIFY_TOKEN, meta_post, payload)


# --- channel credentials ------------------------------------------------------------------

async def test_channels_model_matches_its_migration(db):
    def ours(obj, name, type_, reflected, compare_to):
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table == "channels"

    async with db.engine.connect() as conn:
        diff = await conn.run_sync(lambda c: compare_metadata(
            MigrationContext.configure(c, opts={"include_object": ours}), Base.metadata))
    assert diff == []


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, upgrade(url)).result()

    def run(*argv: str):
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            rc = pool.submit(main, list(argv)).result()
        captured = capsys.readouterr()
        return rc, captured.out, captured.err
    return run


def test_channel_add_prints_what_it_stored_with_secrets_masked(cli):
    assert cli("shop", "create", "luigis", "--name", "Luigi's")[0] == 0
    rc, out, _ = cli("channel", "add", "--shop", "luigis", "telegram",
                     "--token", "7012345678:AAF-secret-token-value", "--secret", "hook_secret_12345")
    assert rc == 0
    assert "stored telegram channel for luigis: bot 7012345678" in out
    assert "/webhooks/telegram/luigis" in out
    assert "AAF-secret-token-value" not in out and "hook_secret_12345" not in out

    rc, out, _ = cli("channel", "add", "--shop", "luigis", "whatsapp", "--phone-number-id", "1065",
                     "--app-secret", "app-secret-abcdef", "--verify-token", "verify-me-please",
                     "--access-token", "EAAG-access-token-xyz")
    assert rc == 0 and "phone number id 1065" in out
    assert all(s not in out for s in ("app-secret-abcdef", "verify-me-please", "EAAG-access-token-xyz"))

    rc, out, _ = cli("channel", "add", "--shop", "luigis", "instagram", "--account-id", "1784",
                     "--app-secret", "ig-secret-abcdef", "--access-token", "IGQ-token-abcdef")
    assert rc == 0 and "stored instagram channel for luigis: account id 1784" in out


def test_channel_add_again_updates(cli):
    cli("shop", "create", "luigis", "--name", "Luigi's")
    args = ("channel", "add", "--shop", "luigis", "telegram", "--token", "70123:AAF-token")
    assert cli(*args, "--secret", "first_secret")[0] == 0
    rc, out, _ = cli(*args, "--secret", "second_secret")
    assert rc == 0 and out.startswith("updated telegram channel")


def test_channel_add_refusals_name_the_argument(cli):
    cli("shop", "create", "luigis", "--name", "Luigi's")
    cli("shop", "create", "marios", "--name", "Mario's")
    wa = ("whatsapp", "--phone-number-id", "1065", "--app-secret", "s", "--verify-token", "v",
          "--access-token", "a")
    assert cli("channel", "add", "--shop", "luigis", *wa)[0] == 0

    rc, _, err = cli("channel", "add", "--shop", "marios", *wa)
    assert rc == 1 and "--phone-number-id" in err and "luigis" in err
    rc, _, err = cli("channel", "add", "--shop", "nobody", *wa)
    assert rc == 1 and "--shop" in err
    rc, _, err = cli("channel", "add", "--shop", "luigis", "telegram", "--token", "nope",
                     "--secret", "s")
    assert rc == 1 and "--token" in err
    rc, _, err = cli("channel", "add", "--shop", "luigis", "telegram", "--token", "1:abc",
                     "--secret", "has spaces")
    assert rc == 1 and "--secret" in err


# --- Telegram ------------------------------------------------------------------------------

def telegram_headers(secret: str = TELEGRAM_SECRET) -> dict[str, str]:
    return {"X-Telegram-Bot-Api-Secret-Token": secret}


async def post_telegram(client, update, *, secret: str = TELEGRAM_SECRET, slug: str = SLUG):
    return await client.post(f"/webhooks/telegram/{slug}", json=update,
                             headers=telegram_headers(secret))


async def test_telegram_message_becomes_a_draft(client, pizzeria):
    resp = await post_telegram(client, payload("telegram/message.json"))
    assert resp.status == 200 and (await resp.json())["new"] == 1

    [row] = await pizzeria.inbox()
    assert (row.channel, row.external_id, row.kind) == ("telegram", "815303001", "text")
    assert row.message["chat"] == "412345678" and row.message["sender_name"] == "Ana Lima"
    await pizzeria.drain()
    [draft] = await pizzeria.drafts()
    assert draft.channel == "telegram" and draft.chat_id == "412345678"
    assert {(line["sku"], line["quantity"]) for line in draft.content["lines"]} == {
        ("PEPPERONI_PIZZA", 2), ("COKE", 1)}


async def test_telegram_edited_message_is_stored_as_edited_text(client, pizzeria):
    assert (await post_telegram(client, payload("telegram/edited_message.json"))).status == 200
    [row] = await pizzeria.inbox()
    assert row.kind == "text" and row.message["edited"] is True
    await pizzeria.drain()
    [draft] = await pizzeria.drafts()
    assert {line["sku"] for line in draft.content["lines"]} == {"MARGHERITA", "GARLIC_BREAD"}


async def test_telegram_callback_query_is_stored_with_its_data(client, pizzeria):
    assert (await post_telegram(client, payload("telegram/callback_query.json"))).status == 200
    [row] = await pizzeria.inbox()
    assert row.kind == "callback" and row.message["data"] == "confirm:1"
    assert row.message["callback_query_id"] == "1770733427416789123"
    await pizzeria.drain()
    assert await pizzeria.drafts() == []


async def test_telegram_sticker_is_stored_unsupported_and_answered(client, pizzeria):
    assert (await post_telegram(client, payload("telegram/sticker.json"))).status == 200
    [row] = await pizzeria.inbox()
    assert row.kind == "unsupported" and row.message["type"] == "sticker"
    await pizzeria.drain()
    async with pizzeria.db.uow() as uow:
        [reply] = await uow.outbox.pending(pizzeria.shop.id)
    assert reply.recipient == "412345678" and reply.payload["intent"] == "unsupported"


async def test_telegram_redelivery_is_answered_200_and_stored_once(client, pizzeria):
    update = payload("telegram/message.json")
    first, again = await post_telegram(client, update), await post_telegram(client, update)
    assert (first.status, again.status) == (200, 200)
    assert (await again.json())["new"] == 0
    assert await pizzeria.inbox_count() == 1


# --- WhatsApp ------------------------------------------------------------------------------

async def post_whatsapp(client, data, secret: str = WA_APP_SECRET):
    return await client.post("/webhooks/whatsapp", **meta_post(data, secret))


async def test_whatsapp_verification_echoes_the_challenge(client, pizzeria):
    resp = await client.get("/webhooks/whatsapp", params={
        "hub.mode": "subscribe", "hub.verify_token": WA_VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert resp.status == 200 and await resp.text() == "1158201444"


async def test_whatsapp_verification_with_a_wrong_token_is_403(client, pizzeria):
    resp = await client.get("/webhooks/whatsapp", params={
        "hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"})
    assert resp.status == 403


async def test_whatsapp_text_becomes_a_draft(client, pizzeria):
    resp = await post_whatsapp(client, payload("whatsapp/text.json"))
    assert resp.status == 200
    [row] = await pizzeria.inbox()
    assert (row.channel, row.kind) == ("whatsapp", "text")
    assert row.external_id.startswith("wamid.")
    assert row.message.items() >= {"sender": "16505551234", "chat": "16505551234",
                                   "sender_name": "Carla", "phone": "+16505551234"}.items()
    await pizzeria.drain()
    [draft] = await pizzeria.drafts()
    assert {(line["sku"], line["quantity"]) for line in draft.content["lines"]} == {
        ("MARGHERITA", 3), ("TIRAMISU", 1)}


@pytest.mark.parametrize(("name", "text", "sku"), [
    ("interactive_button_reply.json", "garlic bread", "GARLIC_BREAD"),
    ("interactive_list_reply.json", "caesar salad", "CAESAR"),
    ("button.json", "chicken wings", "WINGS"),
])
async def test_whatsapp_replies_are_read_as_their_titles(client, pizzeria, name, text, sku):
    assert (await post_whatsapp(client, payload(f"whatsapp/{name}"))).status == 200
    [row] = await pizzeria.inbox()
    assert row.kind == "text" and row.message["text"] == text
    await pizzeria.drain()
    [draft] = await pizzeria.drafts()
    assert [line["sku"] for line in draft.content["lines"]] == [sku]


async def test_whatsapp_order_cart_becomes_an_exact_draft(client, pizzeria):
    assert (await post_whatsapp(client, payload("whatsapp/order.json"))).status == 200
    [row] = await pizzeria.inbox()
    assert row.kind == "cart"
    assert row.message["items"][0] == {"product_retailer_id": "PEPPERONI_PIZZA", "quantity": 2,
                                       "item_price": 13, "currency": "USD"}
    await pizzeria.drain()
    [draft] = await pizzeria.drafts()
    assert draft.source == "cart" and draft.confidence == 1.0
    assert {(line["sku"], line["quantity"]) for line in draft.content["lines"]} == {
        ("PEPPERONI_PIZZA", 2), ("COKE", 3)}


async def test_whatsapp_image_is_stored_unsupported_and_answered(client, pizzeria):
    assert (await post_whatsapp(client, payload("whatsapp/image.json"))).status == 200
    [row] = await pizzeria.inbox()
    assert row.kind == "unsupported" and row.message["type"] == "image"
    await pizzeria.drain()
    async with pizzeria.db.uow() as uow:
        [reply] = await uow.outbox.pending(pizzeria.shop.id)
    assert reply.recipient == "16505551238" and reply.payload["intent"] == "unsupported"


async def test_whatsapp_statuses_are_answered_and_not_stored(client, pizzeria):
    resp = await post_whatsapp(client, payload("whatsapp/statuses.json"))
    assert resp.status == 200 and (await resp.json())["received"] == 0
    assert await pizzeria.inbox_count() == 0


async def test_whatsapp_redelivery_is_answered_200_and_stored_once(client, pizzeria):
    data = payload("whatsapp/text.json")
    assert [(await post_whatsapp(client, data)).status for _ in range(3)] == [200, 200, 200]
    assert await pizzeria.inbox_count() == 1


# --- Instagram -----------------------------------------------------------------------------

async def post_instagram(client, data, secret: str = IG_APP_SECRET):
    return await client.post("/webhooks/instagram", **meta_post(data, secret))


async def test_instagram_text_becomes_a_draft(client, pizzeria):
    assert (await post_instagram(client, payload("instagram/text.json"))).status == 200
    [row] = await pizzeria.inbox()
    assert (row.channel, row.kind) == ("instagram", "text")
    assert row.external_id.startswith("aWdf") and row.message["chat"] == "6984302471611249"
    await pizzeria.drain()
    [draft] = await pizzeria.drafts()
    assert draft.channel == "instagram" and draft.chat_id == "6984302471611249"
    assert {line["sku"] for line in draft.content["lines"]} == {"PIZZA", "SPRITE"}


async def test_instagram_quick_reply_is_read_as_its_text(client, pizzeria):
    assert (await post_instagram(client, payload("instagram/quick_reply.json"))).status == 200
    [row] = await pizzeria.inbox()
    assert row.message["text"] == "bottled water" and row.message["reply_id"] == "WATER"
    await pizzeria.drain()
    [draft] = await pizzeria.drafts()
    assert [line["sku"] for line in draft.content["lines"]] == ["WATER"]


@pytest.mark.parametrize("name", ["echo.json", "read.json"])
async def test_instagram_echoes_and_reads_are_answered_and_not_stored(client, pizzeria, name):
    assert (await post_instagram(client, payload(f"instagram/{name}"))).status == 200
    assert await pizzeria.inbox_count() == 0


async def test_instagram_attachment_is_stored_unsupported_and_answered(client, pizzeria):
    assert (await post_instagram(client, payload("instagram/attachment.json"))).status == 200
    [row] = await pizzeria.inbox()
    assert row.kind == "unsupported"
    await pizzeria.drain()
    async with pizzeria.db.uow() as uow:
        [reply] = await uow.outbox.pending(pizzeria.shop.id)
    assert reply.recipient == "6984302471611251" and reply.payload["intent"] == "unsupported"


async def test_instagram_redelivery_is_answered_200_and_stored_once(client, pizzeria):
    data = payload("instagram/text.json")
    assert [(await post_instagram(client, data)).status for _ in range(2)] == [200, 200]
    assert await pizzeria.inbox_count() == 1
