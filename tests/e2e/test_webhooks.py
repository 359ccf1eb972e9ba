"""The webhook server end to end: each platform's documented payloads, signed with the test
secrets, go through the real aiohttp app into the inbox and, by the worker, into drafts; every
bad input is refused with its status code and leaves the inbox empty."""
from __future__ import annotations

import asyncio
import concurrent.futures
import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import OperationalError

from bot.cli import main
from bot.models import WHATSAPP
from bot.server import init_app
from bot.webhooks import channels
from ingestion import inbox
from orders.db import Base, make_engine, make_session_factory
from orders.migrate import upgrade
from tests.e2e.conftest import (IG_ACCOUNT_ID, IG_APP_SECRET, SLUG, TELEGRAM_SECRET, WA_APP_SECRET,
                                WA_VERIFY_TOKEN, meta_post, payload, sign)


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


# --- bad input: refused with its status, nothing written -----------------------------------

def telegram_update_bytes() -> bytes:
    return json.dumps(payload("telegram/message.json")).encode()


def oversized(settings) -> bytes:
    """A well-formed, correctly shaped body just over the limit."""
    data = payload("whatsapp/text.json")
    data["padding"] = "x" * settings.WEBHOOK_MAX_BODY_BYTES
    return json.dumps(data).encode()


@pytest.mark.parametrize(("case", "slug", "headers", "body", "status"), [
    ("no secret", SLUG, {}, None, 401),
    ("wrong secret", SLUG, {"X-Telegram-Bot-Api-Secret-Token": "guess"}, None, 401),
    ("secret of another length", SLUG, {"X-Telegram-Bot-Api-Secret-Token": "x" * 300}, None, 401),
    ("unknown shop", "nobody", {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}, None, 404),
    ("malformed JSON", SLUG, {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}, b'{"update_id": 1,', 400),
    ("not an object", SLUG, {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}, b"[1, 2]", 400),
    ("no update_id", SLUG, {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
     b'{"message": {"text": "hi"}}', 400),
    ("message without chat or date", SLUG, {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
     b'{"update_id": 9, "message": {"message_id": 1, "text": "hi"}}', 400),
    ("message not an object", SLUG, {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
     b'{"update_id": 9, "message": 5}', 400),
])
async def test_telegram_bad_input_is_refused_and_nothing_stored(client, pizzeria, case, slug,
                                                                headers, body, status):
    resp = await client.post(f"/webhooks/telegram/{slug}", data=body or telegram_update_bytes(),
                             headers=headers)
    assert resp.status == status, case
    assert "error" in await resp.json()
    assert await pizzeria.inbox_count() == 0


async def test_telegram_shop_without_a_telegram_channel_is_404(client, pizzeria, make):
    await make.shop("marios")
    resp = await client.post("/webhooks/telegram/marios", data=telegram_update_bytes(),
                             headers=telegram_headers())
    assert resp.status == 404 and await pizzeria.inbox_count() == 0


@pytest.mark.parametrize("chunked", [False, True])
async def test_telegram_body_over_the_limit_is_413(client, pizzeria, settings, chunked):
    body = oversized(settings)

    async def stream():  # no Content-Length: measured while read
        for start in range(0, len(body), 8192):
            yield body[start:start + 8192]

    resp = await client.post(f"/webhooks/telegram/{SLUG}", data=stream() if chunked else body,
                             headers=telegram_headers())
    assert resp.status == 413 and str(settings.WEBHOOK_MAX_BODY_BYTES) in (await resp.json())["error"]
    assert await pizzeria.inbox_count() == 0


def _meta_cases(path: str, secret: str, valid: dict, unknown: dict, wrong_shapes: list[dict]):
    body = json.dumps(valid).encode()
    cases = [
        ("no signature", {}, body, 401),
        ("not sha256", {"X-Hub-Signature-256": sign(secret, body).replace("sha256", "sha1")}, body, 401),
        ("wrong secret", {"X-Hub-Signature-256": sign("not-the-secret", body)}, body, 401),
        ("signature of another body", {"X-Hub-Signature-256": sign(secret, body + b" ")}, body, 401),
        ("malformed JSON", None, b'{"object": ', 400),
        ("not an object", None, b'"instagram"', 400),
        ("unknown account", None, json.dumps(unknown).encode(), 404),
    ] + [(f"wrong shape {i}", None, json.dumps(shape).encode(), 400)
         for i, shape in enumerate(wrong_shapes)]
    return [pytest.param(path, secret, headers, data, status, id=f"{path.split('/')[-1]}: {case}")
            for case, headers, data, status in cases]


def _wa_unknown() -> dict:
    data = payload("whatsapp/text.json")
    data["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999999"
    return data


def _wa_shapes() -> list[dict]:
    good = payload("whatsapp/text.json")
    no_metadata = payload("whatsapp/text.json")
    del no_metadata["entry"][0]["changes"][0]["value"]["metadata"]
    messages_not_list = payload("whatsapp/text.json")
    messages_not_list["entry"][0]["changes"][0]["value"]["messages"] = {"id": "x"}
    message_without_id = payload("whatsapp/text.json")
    del message_without_id["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    cart_not_list = payload("whatsapp/order.json")
    cart_not_list["entry"][0]["changes"][0]["value"]["messages"][0]["order"]["product_items"] = 3
    return [good | {"object": "page"}, {"object": "whatsapp_business_account"},
            {"object": "whatsapp_business_account", "entry": [{"changes": "no"}]},
            no_metadata, messages_not_list, message_without_id, cart_not_list]


def _ig_unknown() -> dict:
    data = payload("instagram/text.json")
    data["entry"][0]["id"] = "999999"
    return data


def _ig_shapes() -> list[dict]:
    good = payload("instagram/text.json")
    no_mid = payload("instagram/text.json")
    del no_mid["entry"][0]["messaging"][0]["message"]["mid"]
    no_sender = payload("instagram/text.json")
    del no_sender["entry"][0]["messaging"][0]["sender"]
    return [good | {"object": "page"}, {"object": "instagram", "entry": {}},
            {"object": "instagram", "entry": [{"messaging": []}]},
            {"object": "instagram", "entry": [{"id": IG_ACCOUNT_ID, "messaging": [1]}]},
            no_mid, no_sender]


@pytest.mark.parametrize(("path", "secret", "headers", "body", "status"),
                         _meta_cases("/webhooks/whatsapp", WA_APP_SECRET,
                                     payload("whatsapp/text.json"), _wa_unknown(), _wa_shapes())
                         + _meta_cases("/webhooks/instagram", IG_APP_SECRET,
                                       payload("instagram/text.json"), _ig_unknown(), _ig_shapes()))
async def test_meta_bad_input_is_refused_and_nothing_stored(client, pizzeria, path, secret,
                                                            headers, body, status):
    if headers is None:  # correctly signed: the body itself is what is wrong
        headers = {"X-Hub-Signature-256": sign(secret, body)}
    resp = await client.post(path, data=body, headers=headers)
    assert resp.status == status
    assert "error" in await resp.json()
    assert await pizzeria.inbox_count() == 0


@pytest.mark.parametrize(("path", "secret"), [("/webhooks/whatsapp", WA_APP_SECRET),
                                              ("/webhooks/instagram", IG_APP_SECRET)])
async def test_meta_body_over_the_limit_is_413(client, pizzeria, settings, path, secret):
    resp = await client.post(path, **meta_post(oversized(settings), secret))
    assert resp.status == 413 and await pizzeria.inbox_count() == 0


async def test_whatsapp_signed_for_another_shop_is_401(client, pizzeria, make):
    """A post routed to Luigi's number but signed with another shop's app secret."""
    await make.shop("marios")
    await channels.save(make.db.uow(), "marios", WHATSAPP, channels.meta_credentials(
        WHATSAPP, "2222", "marios-app-secret", "token", "marios-verify"))
    resp = await client.post("/webhooks/whatsapp",
                             **meta_post(payload("whatsapp/text.json"), "marios-app-secret"))
    assert resp.status == 401 and await pizzeria.inbox_count() == 0


@pytest.mark.parametrize("query", [
    {"hub.mode": "subscribe", "hub.challenge": "42"},
    {"hub.mode": "unsubscribe", "hub.verify_token": WA_VERIFY_TOKEN, "hub.challenge": "42"},
    {"hub.mode": "subscribe", "hub.verify_token": WA_VERIFY_TOKEN},
])
async def test_whatsapp_verification_without_the_right_parameters_is_refused(client, pizzeria, query):
    resp = await client.get("/webhooks/whatsapp", params=query)
    assert resp.status in (400, 403) and await resp.text() != "42"


async def test_database_failure_while_storing_is_503(client, pizzeria, monkeypatch):
    async def store(session, incoming):
        raise OperationalError("INSERT INTO inbox ...", {}, ConnectionRefusedError("gone"))
    monkeypatch.setattr(inbox, "store", store)

    resp = await post_telegram(client, payload("telegram/message.json"))
    assert resp.status == 503
    assert await pizzeria.inbox_count() == 0


async def test_unreachable_database_is_503(aiohttp_client, settings):
    engine = make_engine("postgresql+asyncpg://nobody@127.0.0.1:9/none", pool_pre_ping=False)
    try:
        app = init_app(settings, make_session_factory(engine), run_worker=False)
        client = await aiohttp_client(app)
        for path, kwargs in [(f"/webhooks/telegram/{SLUG}", {"data": telegram_update_bytes(),
                                                             "headers": telegram_headers()}),
                             ("/webhooks/whatsapp", meta_post(payload("whatsapp/text.json"),
                                                              WA_APP_SECRET))]:
            assert (await client.post(path, **kwargs)).status == 503
    finally:
        await engine.dispose()


# --- the server's own worker ---------------------------------------------------------------

async def test_served_message_becomes_a_draft_without_draining_by_hand(aiohttp_client, pizzeria,
                                                                       settings):
    client = await aiohttp_client(init_app(settings, pizzeria.db.session_factory))
    resp = await client.post("/webhooks/whatsapp", **meta_post(payload("whatsapp/order.json"),
                                                               WA_APP_SECRET))
    assert resp.status == 200
    for _ in range(100):
        if await pizzeria.drafts():
            break
        await asyncio.sleep(0.05)
    [draft] = await pizzeria.drafts()
    assert draft.source == "cart"
    await client.close()  # the worker is stopped by the app's cleanup
