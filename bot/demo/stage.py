"""The demo's stage: a fresh SQLite shop, customers writing in, and a dispatcher that prints
what the outbox would send (customer replies, seller cards) instead of calling the platforms."""
from __future__ import annotations

import itertools
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot import messages
from bot.messages import DraftCard
from ingestion import inbox
from ingestion.drafts.service import SELLERS
from ingestion.inbox import IncomingMessage
from ingestion.models import Draft, DraftEvent
from ingestion.worker import InboxWorker
from orders.catalog_file import read_catalog
from orders.db import make_engine, make_session_factory
from orders.domain.actors import Actor
from orders.migrate import upgrade
from orders.models import Customer, OutboxMessage
from orders.services import (actor_of, add_member, claim_due, create_shop, import_catalog,
                             load_catalog, mark_sent)
from orders.uow import UnitOfWork

CATALOG_FILE = Path(__file__).resolve().parent.parent / "catalogs" / "pizzeria.json"
SHOP_SLUG = "luigis"


@dataclass
class Transcript:
    """Everything the demo showed, in order: (label, text); label "" is a section heading."""

    entries: list[tuple[str, str]] = field(default_factory=list)
    echo: bool = True

    def add(self, label: str, text: str) -> None:
        self.entries.append((label, text))
        if self.echo:
            print(self.format_entry(label, text), flush=True)

    def section(self, title: str) -> None:
        self.add("", title)

    def texts(self, label_part: str = "") -> list[str]:
        return [text for label, text in self.entries if label_part in label]

    @staticmethod
    def format_entry(label: str, text: str) -> str:
        if not label:
            return f"\n=== {text} ===\n"
        first, *rest = text.splitlines() or [""]
        return "\n".join([f"[{label}] {first}", *(f"    {line}" for line in rest)])

    def __str__(self) -> str:
        return "\n".join(self.format_entry(label, text) for label, text in self.entries)


@dataclass(frozen=True)
class Person:
    name: str
    channel: str
    chat: str


class Stage:
    """One demo run's database, shop, people and transcript."""

    def __init__(self, url: str, transcript: Transcript) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.session_factory = make_session_factory(self.engine)
        self.transcript = transcript
        self.shop: Any = None
        self.catalog: dict[str, Any] = {}
        self.sellers: dict[str, Actor] = {}
        self.people: dict[str, Person] = {}
        self._event_ids = itertools.count(1001)

    @classmethod
    async def open(cls, url: str, transcript: Transcript) -> Stage:
        await upgrade(url)
        stage = cls(url, transcript)
        await stage._set_up_shop()
        return stage

    async def close(self) -> None:
        await self.engine.dispose()

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    def say(self, label: str, text: str) -> None:
        self.transcript.add(label, text)

    async def _set_up_shop(self) -> None:
        shop_block, products = read_catalog(CATALOG_FILE.read_text(), CATALOG_FILE.name)
        self.shop = await create_shop(self.uow(), SHOP_SLUG, shop_block["name"])
        report = await import_catalog(self.uow(), SHOP_SLUG, shop_block, products)
        self.catalog = await load_catalog(self.uow(), self.shop.id)
        self.say("setup", f"Shop {self.shop.name!r} ({SHOP_SLUG}) created; catalog "
                          f"{CATALOG_FILE.name} imported: {len(report.created)} products "
                          f"({', '.join(report.created)}).")
        for name, role in (("Dana", "agent"), ("Maria", "manager")):
            made = await add_member(self.uow(), SHOP_SLUG, name, role)
            self.sellers[name] = actor_of(made.member)
            self.say("setup", f"{name} joins as {role}.")

    def customer(self, name: str, channel: str, chat: str) -> Person:
        self.people[chat] = person = Person(name, channel, chat)
        return person

    def person(self, name: str) -> Person:
        return next(p for p in self.people.values() if p.name == name)

    # ---- customers writing in: the inbox and the worker, as the webhooks would use them ----

    async def customer_says(self, person: Person, text: str) -> None:
        self.say(f"customer {person.name} -> shop", text)
        await self._deliver(person, "text", {"text": text})

    async def customer_sends_cart(self, person: Person, items: list[dict[str, Any]]) -> None:
        shown = ", ".join(f"{i['quantity']}x {i['product_retailer_id']} @ {i['item_price']}"
                          for i in items)
        self.say(f"customer {person.name} -> shop", f"(WhatsApp catalog cart) {shown}")
        await self._deliver(person, "cart", {"text": "", "items": items})

    async def _deliver(self, person: Person, kind: str, body: dict[str, Any]) -> None:
        message = {"kind": kind, "sender": person.chat, "chat": person.chat,
                   "sender_name": person.name, **body}
        async with self.uow() as uow:
            await inbox.store(uow.session, [IncomingMessage(
                self.shop.id, person.channel, f"{person.channel}-{next(self._event_ids)}", kind,
                message)])
            await uow.commit()
        await InboxWorker(self.session_factory, idle_wait=0.01).drain()
        await self.dispatch()

    async def latest_draft(self, person: Person) -> Draft:
        async with self.uow().reading() as uow:
            return await uow.session.scalar(
                select(Draft).where(Draft.shop_id == self.shop.id, Draft.chat_id == person.chat)
                .order_by(Draft.created_at.desc()).limit(1))

    # ---- the dispatcher: every pending outbox row, rendered and marked sent ----

    async def dispatch(self) -> None:
        async with self.uow() as uow:
            rows = sorted(await claim_due(uow, limit=100), key=lambda r: (r.created_at, r.kind))
            for row in rows:
                self.say(*await self._render(uow, row))
                await mark_sent(uow, row)
            await uow.commit()

    async def _render(self, uow: UnitOfWork, row: OutboxMessage) -> tuple[str, str]:
        if row.recipient == SELLERS:
            return "card to sellers", await self._seller_text(uow, row)
        person = self.people.get(row.recipient)
        label = f"shop -> customer {person.name if person else row.recipient}"
        text = messages.customer_text(row.kind, row.payload, self.catalog)
        return label, text if text is not None else f"({row.kind}) {json.dumps(row.payload)}"

    async def _seller_text(self, uow: UnitOfWork, row: OutboxMessage) -> str:
        draft = await uow.session.scalar(select(Draft).where(
            Draft.shop_id == row.shop_id, Draft.id == uuid.UUID(row.payload["draft_id"])))
        if row.kind == "draft.decided":
            return messages.seller_decision(row.payload, draft.reason)
        customer = await uow.session.get(Customer, (draft.shop_id, draft.customer_id))
        edited_by = await self._last_editor(uow, draft) if draft.edited else None
        card = DraftCard(draft.content, draft.confidence, customer.name if customer else "a customer",
                         draft.channel, draft.source, edited_by)
        return messages.seller_card(card, self.catalog, updated=row.kind == "draft.updated")

    async def _last_editor(self, uow: UnitOfWork, draft: Draft) -> str | None:
        return await uow.session.scalar(
            select(DraftEvent.actor_name).where(DraftEvent.shop_id == draft.shop_id,
                                                DraftEvent.draft_id == draft.id,
                                                DraftEvent.kind == "edited")
            .order_by(DraftEvent.created_at.desc()).limit(1))
