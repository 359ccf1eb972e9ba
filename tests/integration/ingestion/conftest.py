"""Fixtures for the inbox, drafts and claim: a pizzeria with its demo catalog, and a way to
put customer messages into the inbox and run the worker over them."""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ingestion import inbox
from ingestion.inbox import IncomingMessage
from ingestion.worker import InboxWorker
from orders.domain.actors import Actor
from orders.models import Shop

CATALOG = Path(__file__).resolve().parents[3] / "bot" / "catalogs" / "pizzeria.json"
_ids = itertools.count(1)


@dataclass
class Pizzeria:
    shop: Shop
    dana: Actor      # agent
    viewer: Actor
    db: Any

    def message(self, text: str, *, sender: str = "cust-1", external_id: str | None = None,
                kind: str = "text", **extra: Any) -> IncomingMessage:
        body = {"kind": kind, "sender": sender, "chat": sender, "sender_name": "Ana",
                "text": text, **extra}
        return IncomingMessage(self.shop.id, "telegram", external_id or f"ev-{next(_ids)}",
                               kind, body)

    async def deliver(self, *messages: IncomingMessage) -> list[bool]:
        async with self.db.uow() as uow:
            fresh = await inbox.store(uow.session, list(messages))
            await uow.commit()
        return fresh

    def worker(self, **kwargs: Any) -> InboxWorker:
        kwargs.setdefault("idle_wait", 0.05)
        return InboxWorker(self.db.session_factory, **kwargs)

    async def say(self, text: str, **kwargs: Any) -> None:
        """A customer message, delivered and processed."""
        await self.deliver(self.message(text, **kwargs))
        await self.worker().drain()


async def build_pizzeria(make, *, stock: dict[str, int] | None = None,
                         settings: dict[str, Any] | None = None) -> Pizzeria:
    data = json.loads(CATALOG.read_text())
    shop = await make.shop(currency="USD", region="US")
    if settings:
        async with make.db.uow() as uow:
            row = await uow.shops.get(shop.id)
            row.settings = dict(settings)
            await uow.commit()
        shop.settings = dict(settings)
    for product in data["products"]:
        await make.product(shop, sku=product["sku"], name=product["name"],
                           price=product["price"], options=product.get("options", []),
                           aliases=product.get("aliases", []),
                           stock=(stock or {}).get(product["sku"], product.get("stock")))
    dana = await make.member(shop, "agent", name="Dana")
    viewer = await make.member(shop, "viewer", name="Vic")
    return Pizzeria(shop, dana, viewer, make.db)


@pytest.fixture
async def pizzeria(make) -> Pizzeria:
    return await build_pizzeria(make)


@pytest.fixture
def make_pizzeria(make):
    """`await make_pizzeria(stock={...}, settings={...})`: another pizzeria, as configured."""
    async def build(**kwargs: Any) -> Pizzeria:
        return await build_pizzeria(make, **kwargs)
    return build
