"""Turning one inbox row into its effects: customer, conversation, draft (new or amended),
and the replies to queue. Runs inside the worker's transaction, which also marks the row done.

A follow-up from a customer whose draft is still pending review amends that draft: the
messages are read again together ("a pizza with ham" + "large" + "add a coke"), so answers to
a clarification question land on the item they answer. A follow-up that changes nothing
("thanks", "where is my order?") is answered, not merged.

A customer's own orders come first: a quote's claim code in a message claims the quote, "I
paid" (intent `paid`) tells the sellers, and a verified button tap (kind "action": Accept,
I paid, Received it) is done by `ingestion.customer_actions`, inside this same transaction.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ingestion import metrics
from ingestion.catalogs import CatalogCache
from ingestion.customer_actions import (Answer, claim_by_code, code_in, customer_action,
                                        says_paid)
from ingestion.drafts.service import expiry_for, log, tell_sellers
from ingestion.drafts.status import DraftStatus
from ingestion.models import Conversation, Draft, InboxMessage
from ingestion.parser import AUTO_APPROVE_THRESHOLD, parse, parse_cart
from orders.db import new_id, utcnow
from orders.models import Customer, CustomerIdentity, Order, Shop
from orders.uow import UnitOfWork

# Compared when deciding whether a follow-up changed the draft.
_SUBSTANCE = ("lines", "contact", "note")
MAX_TEXTS = 20  # a draft is re-read from at most this many messages
SELLER_ACTIONS = frozenset({"callback"})  # handled by the chat adapters' seller handlers
ACTION = "action"  # a customer's verified button tap: {"action", "order_id"} (customer_actions)
PAID = "paid"      # the parser's intent for "I paid", "ya pagué"


@dataclass
class Outcome:
    """What processing did, stored on the inbox row; `auto_approve` is for after commit."""

    action: str
    draft_id: uuid.UUID | None = None
    auto_approve: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def as_result(self) -> dict[str, Any]:
        return {"action": self.action, "draft_id": str(self.draft_id) if self.draft_id else None,
                **self.extra}


async def process_row(uow: UnitOfWork, row: InboxMessage, catalogs: CatalogCache) -> Outcome:
    shop = await uow.shops.get(row.shop_id)
    msg = row.message or {}
    if row.kind in SELLER_ACTIONS:
        # A seller's button tap, not a customer's words: never answered "I didn't understand".
        return Outcome("seller_action", extra={"kind": row.kind})
    if row.kind not in ("text", "cart", ACTION):
        _reply(uow, shop, row, "unsupported", kind=row.kind)
        return Outcome("unsupported")
    customer = await _customer(uow, shop, row.channel, msg)
    if row.kind == ACTION:
        return await _tapped(uow, shop, row, customer, msg)
    conversation = await _conversation(uow, shop, customer, row.channel, msg)
    catalog = await catalogs.get(uow.session, shop)
    if row.kind == "cart":
        parsed = parse_cart(catalog, msg.get("items") or []).to_dict()
        draft = await _new_draft(uow, shop, conversation, parsed, text=None, source="cart")
        return _outcome("created", draft, shop)
    text = str(msg.get("text") or "")
    code = code_in(text)
    answer = code and await claim_by_code(uow, shop.id, customer.id, code[0], only_open=code[1])
    if answer:
        return _answered(uow, shop, row, answer)
    pending = await _pending_draft(uow, shop, conversation)
    if pending is not None:
        amended = _amend(pending, text, catalog)
        if amended is not None:
            await _save_amendment(uow, pending, amended, text)
            return _outcome("amended", pending, shop)
    with metrics.PARSE_SECONDS.time():
        parsed = parse(text, catalog).to_dict()
    if parsed["lines"] or (parsed["intent"] == "order" and parsed["clarifications"]):
        draft = await _new_draft(uow, shop, conversation, parsed, text=text, source="text")
        return _outcome("created", draft, shop)
    if parsed["intent"] == PAID:
        return _answered(uow, shop, row, await says_paid(uow, shop.id, customer.id))
    facts = await _intent_facts(uow, shop, customer, parsed["intent"])
    _reply(uow, shop, row, parsed["intent"], **facts)
    return Outcome("replied", extra={"intent": parsed["intent"]})


async def _tapped(uow: UnitOfWork, shop: Shop, row: InboxMessage, customer: Customer,
                  msg: dict[str, Any]) -> Outcome:
    try:
        order_id = uuid.UUID(str(msg.get("order_id")))
    except ValueError:
        return _answered(uow, shop, row, Answer("order_not_found"))
    answer = await customer_action(uow, shop.id, customer.id, str(msg.get("action")), order_id)
    return _answered(uow, shop, row, answer)


def _answered(uow: UnitOfWork, shop: Shop, row: InboxMessage, answer: Answer) -> Outcome:
    """Reply with what a customer action did; a first claim is told by the order's own notice."""
    if answer.intent != "claimed":
        _reply(uow, shop, row, answer.intent, **answer.facts)
    return Outcome("customer_action", extra={"intent": answer.intent, "done": answer.done})


def _amend(draft: Draft, text: str, catalog) -> dict[str, Any] | None:
    """The draft re-read with the new message, or None if the message changes nothing."""
    if draft.edited or draft.source != "text":
        # A seller's edits (or an exact cart) are kept; new items from the message are added.
        extra = parse(text, catalog).to_dict()
        if not extra["lines"]:
            return None
        merged = dict(draft.content)
        merged["lines"] = list(merged.get("lines", [])) + extra["lines"]
        merged["confidence"] = min(draft.confidence, extra["confidence"])
        return merged
    texts = (list(draft.texts) + [text])[-MAX_TEXTS:]
    with metrics.PARSE_SECONDS.time():
        reread = parse("\n".join(texts), catalog).to_dict()
    if all(reread.get(k) == draft.content.get(k) for k in _SUBSTANCE):
        return None
    if not reread["lines"] and draft.content.get("lines"):
        return None  # never let a follow-up wipe the order out
    return reread


async def _save_amendment(uow: UnitOfWork, draft: Draft, content: dict[str, Any], text: str) -> None:
    draft.content = content
    draft.confidence = float(content["confidence"])
    draft.texts = (list(draft.texts) + [text])[-MAX_TEXTS:]
    draft.version += 1
    draft.updated_at = utcnow()
    log(uow.session, draft, "amended", None, text_length=len(text), confidence=draft.confidence)
    tell_sellers(uow, draft, "draft.updated")
    _tell_about_draft(uow, draft, "customer.draft_amended")


async def _new_draft(uow: UnitOfWork, shop: Shop, conversation: Conversation,
                     parsed: dict[str, Any], *, text: str | None, source: str) -> Draft:
    now = utcnow()
    draft = Draft(id=new_id(), shop_id=shop.id, status=DraftStatus.PENDING_REVIEW, source=source,
                  customer_id=conversation.customer_id, conversation_id=conversation.id,
                  channel=conversation.channel, chat_id=conversation.chat_id, content=parsed,
                  confidence=float(parsed["confidence"]), texts=[text] if text is not None else [],
                  edited=False, expires_at=expiry_for(shop.settings, now), version=1,
                  created_at=now, updated_at=now)
    uow.session.add(draft)
    await uow.session.flush()
    log(uow.session, draft, "created", None, source=source, confidence=draft.confidence)
    metrics.DRAFT_CONFIDENCE.labels(source=source).observe(draft.confidence)
    tell_sellers(uow, draft, "draft.created")
    _tell_about_draft(uow, draft, "customer.draft_created")
    return draft


def _outcome(action: str, draft: Draft, shop: Shop) -> Outcome:
    settings = shop.settings or {}
    threshold = settings.get("auto_approve_threshold")
    if threshold is None and settings.get("auto_approve"):
        threshold = AUTO_APPROVE_THRESHOLD  # calibrated on the PIZZA dev set (benchmarks/)
    eligible = (threshold is not None and bool(draft.content.get("lines"))
                and draft.confidence >= float(threshold))
    return Outcome(action, draft.id, auto_approve=eligible)


def _tell_about_draft(uow: UnitOfWork, draft: Draft, kind: str) -> None:
    """The customer's summary of the draft, or the clarification question it raised."""
    uow.outbox.add(draft.shop_id, kind, draft.chat_id,
                   {"draft_id": str(draft.id), "content": draft.content,
                    "clarifications": draft.content.get("clarifications", [])},
                   channel=draft.channel,
                   idempotency_key=f"draft:{draft.id}:{kind}:v{draft.version}")


def _reply(uow: UnitOfWork, shop: Shop, row: InboxMessage, intent: str, **facts: Any) -> None:
    chat = str((row.message or {}).get("chat") or (row.message or {}).get("sender") or "")
    if not chat:
        return
    uow.outbox.add(shop.id, "customer.reply", chat, {"intent": intent, "language": shop.language,
                                                     **facts},
                   channel=row.channel, idempotency_key=f"inbox:{row.id}:reply")


async def _intent_facts(uow: UnitOfWork, shop: Shop, customer: Customer, intent: str) -> dict:
    if intent != "status_question":
        return {}
    order = await uow.session.scalar(
        select(Order).where(Order.shop_id == shop.id, Order.customer_id == customer.id,
                            Order.deleted_at.is_(None))
        .order_by(Order.created_at.desc(), Order.id.desc()).limit(1))
    if order is None:
        return {"order_number": None}
    return {"order_number": order.number, "status": order.status,
            "financial_status": order.financial_status,
            "fulfillment_status": order.fulfillment_status}


def _insert(uow: UnitOfWork):
    return pg_insert if uow.session.bind.dialect.name == "postgresql" else sqlite_insert


async def _customer(uow: UnitOfWork, shop: Shop, channel: str, msg: dict[str, Any]) -> Customer:
    """Find the customer by channel identity, or make them; safe when two messages race."""
    sender = str(msg.get("sender") or msg.get("chat") or "unknown")
    customer = await uow.customers.by_identity(shop.id, channel, sender)
    if customer is not None:
        return customer
    customer = Customer(shop_id=shop.id, id=new_id(), name=msg.get("sender_name"),
                        phone=msg.get("phone"), created_at=utcnow())
    uow.session.add(customer)
    await uow.session.flush()
    identity = await uow.session.execute(
        _insert(uow)(CustomerIdentity)
        .values(shop_id=shop.id, id=new_id(), customer_id=customer.id, channel=channel,
                external_id=sender, display_name=msg.get("sender_name"), created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["shop_id", "channel", "external_id"])
        .returning(CustomerIdentity.id))
    if identity.scalar_one_or_none() is not None:
        return customer
    await uow.session.delete(customer)  # another message made this customer first
    await uow.session.flush()
    return await uow.customers.by_identity(shop.id, channel, sender)


async def _conversation(uow: UnitOfWork, shop: Shop, customer: Customer, channel: str,
                        msg: dict[str, Any]) -> Conversation:
    """The conversation row, locked: one customer's messages are handled one at a time."""
    chat = str(msg.get("chat") or msg.get("sender") or "unknown")
    now = utcnow()
    await uow.session.execute(
        _insert(uow)(Conversation)
        .values(shop_id=shop.id, id=new_id(), customer_id=customer.id, channel=channel,
                chat_id=chat, last_message_at=now, created_at=now)
        .on_conflict_do_nothing(index_elements=["shop_id", "channel", "chat_id"]))
    stmt = select(Conversation).where(Conversation.shop_id == shop.id,
                                      Conversation.channel == channel, Conversation.chat_id == chat)
    if uow.session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    conversation = (await uow.session.scalars(stmt.execution_options(populate_existing=True))).one()
    await uow.session.execute(update(Conversation)
                              .where(Conversation.shop_id == shop.id, Conversation.id == conversation.id)
                              .values(last_message_at=now).execution_options(synchronize_session=False))
    return conversation


async def _pending_draft(uow: UnitOfWork, shop: Shop, conversation: Conversation) -> Draft | None:
    stmt = (select(Draft).where(Draft.shop_id == shop.id, Draft.conversation_id == conversation.id,
                                Draft.status == DraftStatus.PENDING_REVIEW)
            .order_by(Draft.created_at.desc()).limit(1))
    if uow.session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return await uow.session.scalar(stmt)
