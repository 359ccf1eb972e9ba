"""Fixtures for the webhook tests: a pizzeria (the demo catalog) with all three channels
registered under test secrets, the real app served by `aiohttp_client`, and payload files."""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.models import INSTAGRAM, TELEGRAM, WHATSAPP
from bot.server import init_app
from bot.settings import BotSettings
from bot.webhooks import channels
from ingestion.models import Draft, InboxMessage
from ingestion.worker import InboxWorker
from orders.models import Shop
from tests.standins.graph_api import GraphStandIn
from tests.standins.telegram_api import StandIn

CATALOG = Path(__file__).resolve().parents[2] / "bot" / "catalogs" / "pizzeria.json"
PAYLOADS = Path(__file__).resolve().parent / "payloads"

SLUG = "luigis"
BOT_TOKEN = "7012345678:AAF-test-token_for_luigis"
TELEGRAM_SECRET = "tg-webhook-secret_0123456789"
WA_PHONE_NUMBER_ID = "106540352242922"
WA_APP_SECRET = "wa-app-secret-0123456789abcdef"
WA_VERIFY_TOKEN = "wa-verify-token-luigis"
IG_ACCOUNT_ID = "17841405822304914"
IG_APP_SECRET = "ig-app-secret-0123456789abcdef"


def payload(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / name).read_text())


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def meta_post(data: dict[str, Any] | bytes, secret: str) -> dict[str, Any]:
    """Keyword arguments for `client.post`: the raw body and its X-Hub-Signature-256."""
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    return {"data": body, "headers": {"Content-Type": "application/json",
                                      "X-Hub-Signature-256": sign(secret, body)}}


@dataclass
class Pizzeria:
    shop: Shop
    db: Any

    async def inbox(self) -> list[InboxMessage]:
        async with self.db.uow() as uow:
            return list(await uow.session.scalars(
                select(InboxMessage).order_by(InboxMessage.received_at, InboxMessage.external_id)))

    async def inbox_count(self) -> int:
        async with self.db.uow() as uow:
            return await uow.session.scalar(select(func.count()).select_from(InboxMessage))

    async def drafts(self) -> list[Draft]:
        async with self.db.uow() as uow:
            return list(await uow.session.scalars(select(Draft).order_by(Draft.created_at)))

    async def drain(self) -> None:
        await InboxWorker(self.db.session_factory, idle_wait=0.05).drain()


@pytest.fixture
async def pizzeria(make) -> Pizzeria:
    data = json.loads(CATALOG.read_text())
    shop = await make.shop(SLUG, currency="USD", region="US")
    for product in data["products"]:
        await make.product(shop, sku=product["sku"], name=product["name"],
                           price=product["price"], options=product.get("options", []),
                           aliases=product.get("aliases", []), stock=product.get("stock"))
    await channels.save(make.db.uow(), SLUG, TELEGRAM,
                        channels.telegram_credentials(BOT_TOKEN, TELEGRAM_SECRET))
    await channels.save(make.db.uow(), SLUG, WHATSAPP, channels.meta_credentials(
        WHATSAPP, WA_PHONE_NUMBER_ID, WA_APP_SECRET, "wa-access-token", WA_VERIFY_TOKEN))
    await channels.save(make.db.uow(), SLUG, INSTAGRAM, channels.meta_credentials(
        INSTAGRAM, IG_ACCOUNT_ID, IG_APP_SECRET, "ig-access-token"))
    return Pizzeria(shop, make.db)


@pytest.fixture
def settings() -> BotSettings:
    return BotSettings(TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot",
                       GRAPH_API_BASE_URL="http://127.0.0.1:9/graph",
                       WEBHOOK_MAX_BODY_BYTES=64 * 1024)


@pytest.fixture
async def client(aiohttp_client, pizzeria, settings):
    """The real app on the test database; its own inbox worker is off so tests drain by hand."""
    app = init_app(settings, pizzeria.db.session_factory, run_worker=False)
    return await aiohttp_client(app)


@pytest.fixture
async def telegram_api():
    """The Bot API stand-in on 127.0.0.1 (every call recorded)."""
    async with StandIn() as api:
        yield api


@pytest.fixture
async def graph_api():
    """The Graph API stand-in (WhatsApp and Instagram sends) on 127.0.0.1."""
    async with GraphStandIn() as api:
        yield api
