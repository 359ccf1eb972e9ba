"""Outbox rows to text, through the pure renderers of `bot/messages.py` (as the demo does).

Customer rows are written in the shop's language (`Shop.language`), whatever the payload says,
and carry the answers a customer may tap (`choices`) when the draft asks a closed question, or
the one button an order notice offers (`actions`: Accept, I paid, Received it). A seller's copy
of an order event (a fanned-out row: "the customer accepted quote ORD-00042") reads as the
language file's sellers' entry, with a button that opens the order. A shop's own wording
(`notification_templates`, per kind and language) replaces the language file's."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

import string
from typing import Any

from sqlalchemy import select

from bot import messages, texts
from bot.messages import DraftCard
from ingestion.models import Draft, DraftEvent
from orders.domain.notifications import EVENTS
from orders.models import Customer, NotificationTemplate, OutboxMessage, Shop

from orders.uow import UnitOfWork

CARD_KINDS = ("draft.created", "draft.updated")
# The button a customer's notice carries (ingestion.customer_actions): accept, I paid, received.
ORDER_BUTTONS = {"order.quote_sent": "qa", "order.quote_claimed": "qa",
                 "order.payment_requested": "ip", "order.status_changed.delivered": "rc"}
OPEN_ORDER = "oo"  # a seller's notice opens the order (bot/seller/orders_chat.open_order)
BUTTONS_LINE = "  [Approve] [Edit] [Reject]"  # the text card's stand-in for the real buttons


@dataclass(frozen=True)
class Rendered:
    text: str | None          # None: nothing for this recipient to read
    draft_id: uuid.UUID | None = None
    with_buttons: bool = False
    choices: messages.Choices | None = None   # answers the customer may tap instead of typing
    actions: tuple[tuple[str, str], ...] = ()  # (label, action) on `order_id`, signed when sent
    order_id: uuid.UUID | None = None


async def render(uow: UnitOfWork, row: OutboxMessage, catalog: messages.Catalog) -> Rendered:
    if row.kind in CARD_KINDS or row.kind == "draft.decided":
        return await _seller(uow, row, catalog)
    shop = await uow.session.get(Shop, row.shop_id)
    language = shop.language if shop is not None else None
    overrides = await shop_wording(uow, row, texts.language_code(language))
    if row.payload.get("parent") and row.kind.startswith("order."):
        return _seller_notice(row, language, overrides)  # a seller's copy of an order event
    action = ORDER_BUTTONS.get(row.kind) or ORDER_BUTTONS.get(
        f"{row.kind}.{row.payload.get('status')}")
    order_id = row.payload.get("order_id")
    actions = ((texts.words(language)["buttons"][action], action),) if action and order_id else ()
    return Rendered(messages.customer_text(row.kind, row.payload, catalog, language, overrides),
                    choices=messages.customer_choices(row.kind, row.payload, catalog, language),
                    actions=actions, order_id=uuid.UUID(str(order_id)) if actions else None)


async def shop_wording(uow: UnitOfWork, row: OutboxMessage,
                       language: str) -> dict[str, dict[str, Any]]:
    """The shop's override for this row's kind as `texts.template` overrides (also under the
    per-status key a status change is looked up by); a text that cannot be filled is skipped."""
    text = await uow.session.scalar(select(NotificationTemplate.text).where(
        NotificationTemplate.shop_id == row.shop_id, NotificationTemplate.kind == row.kind,
        NotificationTemplate.language == language))
    if text is None:
        return {}
    try:
        list(string.Formatter().parse(text))
    except ValueError:
        return {}
    notice = next((n for n in EVENTS.values() if n is not None and n.kind == row.kind), None)
    entry = {"template": text, "recipient": notice.recipient.value if notice else texts.CUSTOMER}
    return {row.kind: entry, f"{row.kind}.{row.payload.get('status')}": entry}


def _seller_notice(row: OutboxMessage, language: str | None,
                   overrides: dict[str, dict[str, Any]]) -> Rendered:
    """ "Quote ORD-00042 was accepted by Ana", with a button that opens the order; None for
    an event the language files have no sellers' entry for."""
    entry, p = texts.template(row.kind, language, overrides), row.payload
    if entry is None or entry.recipient != texts.SELLERS or not p.get("order_id"):
        return Rendered(None)
    due = p.get("amount_due")
    text = entry.render(number=p.get("order_number"), customer=p.get("customer_name"),
                        amount_due=messages.customer_money(due, p.get("currency"), language)
                        if due else None)
    return Rendered(text, actions=((texts.words(language)["buttons"][OPEN_ORDER], OPEN_ORDER),),
                    order_id=uuid.UUID(str(p["order_id"])))


async def _seller(uow: UnitOfWork, row: OutboxMessage, catalog: messages.Catalog) -> Rendered:
    draft_id = uuid.UUID(row.payload["draft_id"])
    draft = await uow.session.scalar(select(Draft).where(Draft.shop_id == row.shop_id,
                                                         Draft.id == draft_id))
    if draft is None:
        return Rendered(None, draft_id)
    customer = await uow.session.get(Customer, (draft.shop_id, draft.customer_id))
    edited_by = await _last_editor(uow, draft) if draft.edited else None
    card = DraftCard(draft.content, draft.confidence, customer.name if customer else "a customer",
                     draft.channel, draft.source, edited_by)
    # A decided card keeps its heading: "Updated" once the draft changed after it was sent.
    changed = draft.edited or len(draft.texts or []) > 1  # a seller's edit or a follow-up
    updated = row.kind == "draft.updated" or (row.kind == "draft.decided" and changed)
    text = messages.seller_card(card, catalog, updated=updated)
    if row.kind == "draft.decided":
        # The card stays readable, its buttons give way to who decided.
        body = text.removesuffix("\n" + BUTTONS_LINE)
        return Rendered(body + "\n" + messages.seller_decision(row.payload, draft.reason), draft_id)
    return Rendered(text.removesuffix("\n" + BUTTONS_LINE), draft_id, with_buttons=True)


async def _last_editor(uow: UnitOfWork, draft: Draft) -> str | None:
    return await uow.session.scalar(
        select(DraftEvent.actor_name).where(DraftEvent.shop_id == draft.shop_id,
                                            DraftEvent.draft_id == draft.id,
                                            DraftEvent.kind == "edited")
        .order_by(DraftEvent.created_at.desc()).limit(1))
