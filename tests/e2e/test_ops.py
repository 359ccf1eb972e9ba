"""Operations over HTTP: /healthz, /readyz, /metrics on the real app and database."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from bot.models import TELEGRAM, WHATSAPP
from bot.ops import health, startup_checks
from bot.outbox.dispatcher import OutboxDispatcher, Senders
from bot.outbox.graph import GraphSender
from bot.outbox.telegram import Limits, TelegramSender
from bot.ops.logging import configure_logging
from bot.server import init_app
from bot.settings import BotSettings
from bot.webhooks import channels
from bot.webhooks.keys import INBOX_WORKER
from ingestion.drafts.service import approve_draft
from ingestion.errors import DraftAlreadyDecided
from orders.db import make_engine, make_session_factory, new_id, utcnow
from orders.models import OutboxMessage
from tests.e2e.conftest import (
    BOT_TOKEN,
    SLUG,
    TELEGRAM_SECRET,
    WA_APP_SECRET,
    WA_PHONE_NUMBER_ID,
    payload,
)
from tests.standins.graph_api import GraphStandIn
from tests.standins.telegram_api import StandIn


async def post_telegram(client, update):
    return await client.post(f"/webhooks/telegram/{SLUG}", json=update,
                             headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})


async def add_outbox_row(pizzeria, *, waited: timedelta) -> None:
    async with pizzeria.db.uow() as uow:
        uow.session.add(OutboxMessage(
            shop_id=pizzeria.shop.id, id=new_id(), kind="customer.reply", recipient="412345678",
            payload={}, status="pending", attempts=0, next_attempt_at=utcnow() - waited,
            idempotency_key=f"test:{new_id()}", created_at=utcnow() - waited))
        await uow.commit()


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


@pytest.fixture
def unreachable_db():
    """A session factory on a port nothing listens on: the database is down."""
    engine = make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/orderbot")
    return make_session_factory(engine)


# --- health and readiness ------------------------------------------------------------------

async def test_healthz_answers_ok(client):
    resp = await client.get("/healthz")
    assert resp.status == 200 and await resp.json() == {"status": "ok"}


async def test_readyz_is_ready_on_a_migrated_database_with_no_lag(client):
    resp = await client.get("/readyz")
    body = await resp.json()
    assert resp.status == 200, body
    assert body["status"] == "ready"
    assert body["checks"]["migrations"]["current"] == health.script_head() is not None


async def test_readyz_fails_the_outbox_check_when_a_due_row_waited_too_long(client, pizzeria):
    await add_outbox_row(pizzeria, waited=timedelta(seconds=30))
    assert (await client.get("/readyz")).status == 200  # under the 300 s default

    await add_outbox_row(pizzeria, waited=timedelta(minutes=10))
    resp = await client.get("/readyz")
    body = await resp.json()
    assert resp.status == 503 and body["failed"] == ["outbox"]
    assert body["checks"]["outbox"]["lag_seconds"] >= 600


async def test_readyz_fails_the_migrations_check_when_not_at_head(client, monkeypatch):
    monkeypatch.setattr(health, "script_head", lambda: "a_newer_revision")
    resp = await client.get("/readyz")
    body = await resp.json()
    assert resp.status == 503 and body["failed"] == ["migrations"]


async def test_database_down_fails_readiness_but_not_health(aiohttp_client, settings,
                                                            unreachable_db):
    client = await aiohttp_client(init_app(settings, unreachable_db, run_worker=False))
    assert (await client.get("/healthz")).status == 200
    resp = await client.get("/readyz")
    assert resp.status == 503 and (await resp.json())["failed"] == ["database"]
    scrape = await client.get("/metrics")
    assert scrape.status == 200
    assert samples(await scrape.text())[("orderbot_metrics_database_up", ())] == 0


# --- metrics --------------------------------------------------------------------------------

def counter(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_metrics_count_webhooks_drafts_claims_and_the_database_figures(client, pizzeria,
                                                                             make):
    ok_before = counter("orderbot_webhook_requests_total", channel="telegram", status="200")
    bad_before = counter("orderbot_webhook_requests_total", channel="telegram", status="401")
    parses_before = counter("orderbot_parse_seconds_count")
    confidence_before = counter("orderbot_draft_confidence_count", source="text")
    approved_before = counter("orderbot_claims_total", outcome="approved")
    decided_before = counter("orderbot_claims_total", outcome="already_decided")

    assert (await post_telegram(client, payload("telegram/message.json"))).status == 200
    resp = await client.post(f"/webhooks/telegram/{SLUG}", json={"update_id": 1},
                             headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
    assert resp.status == 401
    await pizzeria.drain()
    [draft] = await pizzeria.drafts()
    seller = await make.member(pizzeria.shop, "agent")
    await approve_draft(pizzeria.db.uow(), seller, draft.id)
    with pytest.raises(DraftAlreadyDecided):
        await approve_draft(pizzeria.db.uow(), seller, draft.id)

    resp = await client.get("/metrics")
    assert resp.status == 200 and resp.content_type == "text/plain"
    got = samples(await resp.text())
    assert counter("orderbot_webhook_requests_total", channel="telegram", status="200") \
        == ok_before + 1
    assert counter("orderbot_webhook_requests_total", channel="telegram", status="401") \
        == bad_before + 1
    assert counter("orderbot_parse_seconds_count") == parses_before + 1
    assert counter("orderbot_draft_confidence_count", source="text") == confidence_before + 1
    assert counter("orderbot_claims_total", outcome="approved") == approved_before + 1
    assert counter("orderbot_claims_total", outcome="already_decided") == decided_before + 1
    assert got[("orderbot_metrics_database_up", ())] == 1
    assert got[("orderbot_inbox_rows", (("status", "done"),))] == 1
    assert got[("orderbot_inbox_rows", (("status", "pending"),))] == 0
    assert got[("orderbot_inbox_lag_seconds", ())] == 0
    assert got[("orderbot_drafts", (("state", "approved"),))] == 1
    assert got[("orderbot_drafts", (("state", "pending_review"),))] == 0
    assert got[("orderbot_outbox_rows", (("status", "pending"),))] >= 1  # no dispatcher here
    assert got[("orderbot_outbox_rows", (("status", "dead"),))] == 0
    assert ("orderbot_outbox_lag_seconds", ()) in got
    assert ("orderbot_webhook_request_seconds_count", (("channel", "telegram"),)) in got


async def test_unknown_webhook_paths_share_one_label(client):
    before = counter("orderbot_webhook_requests_total", channel="other", status="404")
    assert (await client.post("/webhooks/no-such-platform-123")).status == 404
    assert counter("orderbot_webhook_requests_total", channel="other", status="404") == before + 1


# --- logs -----------------------------------------------------------------------------------

@pytest.fixture
def json_log():
    """configure_logging into a buffer; the root logger is put back afterwards."""
    import io
    import logging

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    buffer = io.StringIO()

    def lines() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    yield buffer, lines
    root.handlers[:], level = saved
    root.setLevel(level)


def test_stdlib_logs_become_one_json_event_per_line_without_secrets_or_bodies(json_log):
    import logging

    import structlog

    buffer, lines = json_log
    configure_logging("INFO", buffer)
    logging.getLogger("orderbot.inbox").warning(
        "inbox row failed: %s", "boom", extra={"shop": "s-1", "draft": "d-1", "order": "ORD-7",
                                               "secret": "hunter2hunter2", "text": "my address"})
    logging.getLogger("orderbot.inbox").debug("not shown")
    structlog.get_logger("orderbot.test").info("claimed", channel="telegram", token="123:ABC")

    first, second = lines()
    assert first["event"] == "inbox row failed: boom" and first["level"] == "warning"
    assert (first["shop"], first["draft"], first["order"]) == ("s-1", "d-1", "ORD-7")
    assert first["logger"] == "orderbot.inbox" and "timestamp" in first
    assert first["secret"] == "[redacted]" and "text" not in first
    assert second == second | {"event": "claimed", "channel": "telegram", "token": "[redacted]"}
    assert "hunter2" not in buffer.getvalue() and "my address" not in buffer.getvalue()


async def test_each_request_is_logged_as_one_event_without_its_query_string(client, json_log):
    buffer, lines = json_log
    configure_logging("INFO", buffer)
    await client.get("/webhooks/whatsapp", params={"hub.mode": "subscribe",
                                                   "hub.verify_token": "wa-verify-token-luigis",
                                                   "hub.challenge": "42"})
    [event] = [e for e in lines() if e["event"] == "request"]
    assert event | {"path": "/webhooks/whatsapp", "channel": "whatsapp", "status": 200} == event
    assert "wa-verify-token-luigis" not in buffer.getvalue()


# --- startup checks -------------------------------------------------------------------------

async def refusal(settings: BotSettings, sessions) -> list[str]:
    with pytest.raises(startup_checks.StartupRefused) as refused:
        await startup_checks.check(settings, sessions)
    return refused.value.problems


async def test_startup_accepts_the_strong_secrets_of_the_stored_channels(pizzeria, settings):
    await startup_checks.check(settings, pizzeria.db.session_factory)  # no exception


async def test_startup_refuses_a_shop_telegram_channel_with_a_placeholder_secret(pizzeria,
                                                                                  settings):
    await channels.save(pizzeria.db.uow(), SLUG, TELEGRAM,
                        channels.telegram_credentials(BOT_TOKEN, "changeme"))
    [problem] = await refusal(settings, pizzeria.db.session_factory)
    assert problem.startswith(f"shop {SLUG}: the telegram webhook secret is a placeholder")
    assert "--secret" in problem


async def test_startup_refuses_a_short_whatsapp_verify_token(pizzeria, settings):
    await channels.save(pizzeria.db.uow(), SLUG, WHATSAPP, channels.meta_credentials(
        WHATSAPP, WA_PHONE_NUMBER_ID, WA_APP_SECRET, "wa-access-token", "short"))
    [problem] = await refusal(settings, pizzeria.db.session_factory)
    assert "whatsapp verify token is shorter than 16 characters" in problem
    assert "--verify-token" in problem


@pytest.mark.parametrize(("env", "named"), [
    ({"TELEGRAM_BOT_TOKEN": BOT_TOKEN}, "TELEGRAM_WEBHOOK_SECRET is empty"),
    ({"TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_WEBHOOK_SECRET": "changeme"},
     "TELEGRAM_WEBHOOK_SECRET is a placeholder value"),
    ({"TELEGRAM_WEBHOOK_SECRET": "tg-webhook-secret_0123456789"}, "TELEGRAM_BOT_TOKEN is empty"),
    ({"WHATSAPP_APP_SECRET": WA_APP_SECRET}, "WHATSAPP_VERIFY_TOKEN is empty"),
    ({"WHATSAPP_ACCESS_TOKEN": "EAAG-token", "WHATSAPP_VERIFY_TOKEN": "wa-verify-token-long"},
     "WHATSAPP_APP_SECRET is empty"),
    ({"INSTAGRAM_APP_SECRET": "abc123"}, "INSTAGRAM_APP_SECRET is shorter than 16 characters"),
])
def test_startup_refuses_environment_channels_with_missing_or_default_secrets(env, named):
    problems = startup_checks.environment_problems(BotSettings(_env_file=None, **env))
    assert len(problems) == 1 and problems[0].startswith(named), problems


def test_startup_accepts_an_environment_without_channels():
    assert startup_checks.environment_problems(BotSettings(_env_file=None)) == []


async def test_startup_refuses_when_the_channels_cannot_be_read(settings, unreachable_db):
    [problem] = await refusal(settings, unreachable_db)
    assert problem.startswith("DATABASE_URL: cannot read the shops' channels")


# --- graceful shutdown ----------------------------------------------------------------------

async def test_shutdown_lets_the_worker_finish_the_inbox_row_in_hand(aiohttp_client, pizzeria,
                                                                     settings):
    app = init_app(settings, pizzeria.db.session_factory)  # with its own inbox worker
    client = await aiohttp_client(app)
    worker = app[INBOX_WORKER]
    in_hand = asyncio.Event()
    catalog = worker.catalogs.get

    async def slow_catalog(*args):
        in_hand.set()
        await asyncio.sleep(0.3)  # shutdown starts while this row is being processed
        return await catalog(*args)

    worker.catalogs.get = slow_catalog
    assert (await post_telegram(client, payload("telegram/message.json"))).status == 200
    await asyncio.wait_for(in_hand.wait(), 5)

    await client.close()  # stop serving, run the cleanup contexts

    [row] = await pizzeria.inbox()
    assert row.status == "done"
    [draft] = await pizzeria.drafts()
    assert draft.status == "pending_review"


async def test_logs_written_while_handling_a_webhook_carry_its_channel_and_shop(
        aiohttp_client, settings, unreachable_db, json_log):
    buffer, lines = json_log
    configure_logging("INFO", buffer)
    client = await aiohttp_client(init_app(settings, unreachable_db, run_worker=False))
    assert (await post_telegram(client, payload("telegram/message.json"))).status == 503
    [warning] = [e for e in lines() if e["event"].startswith("database unavailable")]
    assert (warning["channel"], warning["shop"], warning["level"]) == ("telegram", SLUG, "warning")
    assert "two large pepperoni" not in buffer.getvalue()


# our own pacing would defer sends too (also counted as rate_limited); here only the platform's
UNPACED = Limits(per_chat=(1000.0, 1.0), per_group=(1000.0, 20.0), overall=(1000.0, 30.0))


async def test_metrics_count_outbox_sends_retries_and_dead_letters_by_channel(pizzeria):
    names = (("orderbot_outbox_sends_total", {}), ("orderbot_outbox_dead_letters_total", {}),
             ("orderbot_outbox_retries_total", {"reason": "rate_limited"}),
             ("orderbot_outbox_retries_total", {"reason": "failed"}))
    before = {(name, channel): counter(name, channel=channel, **labels)
              for name, labels in names for channel in ("telegram", "whatsapp")}
    async with StandIn() as telegram_api, GraphStandIn() as graph_api:
        telegram_api.rate_limit("sendMessage", times=1, retry_after=1)
        telegram_api.fail("sendMessage", times=1, status=500)
        graph_api.fail(times=1, status=400)
        async with pizzeria.db.uow() as uow:
            for chat, channel in (("555", TELEGRAM), ("556", TELEGRAM), ("15551234567", WHATSAPP)):
                uow.outbox.add(pizzeria.shop.id, "order.status_changed", chat,
                               {"order_number": "ORD-00001", "status": "confirmed"},
                               channel=channel, idempotency_key=f"metrics:{chat}")
            await uow.commit()
        dispatcher = OutboxDispatcher(pizzeria.db.session_factory, Senders(
            TelegramSender(telegram_api.base_url, limits=UNPACED), GraphSender(graph_api.base_url)),
            first_retry=0.05, last_retry=0.1)
        deadline = asyncio.get_running_loop().time() + 10
        while asyncio.get_running_loop().time() < deadline:
            await dispatcher.run_once()
            if len([c for c in telegram_api.calls_of("sendMessage") if c.status == 200]) == 2:
                break
            await asyncio.sleep(0.1)
        await dispatcher.senders.close()

    def grew(name: str, channel: str, **labels: str) -> float:
        return counter(name, channel=channel, **labels) - before[(name, channel)]

    assert grew("orderbot_outbox_sends_total", "telegram") == 2
    assert grew("orderbot_outbox_retries_total", "telegram", reason="rate_limited") == 1
    assert grew("orderbot_outbox_retries_total", "telegram", reason="failed") == 1
    assert grew("orderbot_outbox_dead_letters_total", "telegram") == 0
    assert grew("orderbot_outbox_dead_letters_total", "whatsapp") == 1
    assert grew("orderbot_outbox_sends_total", "whatsapp") == 0
