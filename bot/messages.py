"""What people read: outbox rows (kind + payload) turned into chat text, pure functions only.

    customer_text(kind, payload, catalog)   -> the customer's message, or None if not theirs
    seller_card(card, catalog)              -> the card sellers see for a pending draft
    seller_decision(payload, reason)        -> the line that replaces a decided card

`catalog` is a shop's catalog in DESIGN.md's JSON form (`orders.services.load_catalog`); it
gives option names and prices, since draft payloads carry only SKUs and codes. The channel
adapters (Telegram, WhatsApp, Instagram) and the demo share these texts.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import phonenumbers

from orders.domain import pricing
from orders.errors import InvalidInput

Catalog = Mapping[str, Any]
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "MXN": "MX$", "CAD": "CA$", "AUD": "A$"}
CHANNELS = {"telegram": "Telegram", "whatsapp": "WhatsApp", "instagram": "Instagram"}
LOW_LINE = 0.9  # a line read with less confidence than this is named on the card

STATUS_NOTICES = {
    "confirmed": "Good news: the shop confirmed your order {number}.",
    "packed": "Your order {number} is packed.",
    "shipped": "Your order {number} is on its way!",
    "delivered": "Your order {number} was delivered. Enjoy, and thank you!",
    "cancelled": "Your order {number} was cancelled. Any payment will be returned.",
    "refunded": "Your order {number} was refunded.",
}
STATUS_WORDS = {
    "new": "waiting for the shop to confirm it", "pending": "waiting for the shop to confirm it",
    "confirmed": "confirmed and being prepared", "packed": "packed and ready to go",
    "shipped": "on its way", "delivered": "delivered", "cancelled": "cancelled",
    "refunded": "refunded",
}
REPLIES = {
    "greeting": "Hi! What can we get you? Just write your order, e.g. \"two large pepperoni "
                "pizzas and a coke\".",
    "thanks": "You're welcome!",
    "menu_question": "Ask us for anything on the menu and we'll put the order together for you.",
    "cancel": "Noted. A person from the shop will get back to you about cancelling.",
    "unsupported": "Sorry, I can only read text messages and carts for now. Please write "
                   "your order in words.",
    "other": "Sorry, I didn't get that. Write your order in words, e.g. \"two large "
             "pepperoni pizzas\".",
}


@dataclass(frozen=True)
class DraftCard:
    """What a seller card shows besides the catalog: the draft as stored, and who wrote it."""

    content: Mapping[str, Any]
    confidence: float
    customer: str
    channel: str | None = None
    source: str = "text"         # "text" or "cart"
    edited_by: str | None = None  # set once a seller has changed the draft


# ---- money and lines ---------------------------------------------------------------------

def money(amount: Decimal | str | None, currency: str | None) -> str:
    if amount is None:
        return "?"
    value = pricing.money(amount)
    symbol = SYMBOLS.get(currency or "")
    return f"{symbol}{value}" if symbol else f"{value} {currency or ''}".strip()


def _product(catalog: Catalog | None, sku: str) -> Mapping[str, Any] | None:
    return next((p for p in (catalog or {}).get("products", []) if p.get("sku") == sku), None)


def _group(product: Mapping[str, Any] | None, name: str) -> Mapping[str, Any]:
    return next((g for g in (product or {}).get("options", []) if g.get("group") == name), {})


def _value(group: Mapping[str, Any], code: str) -> Mapping[str, Any]:
    return next((v for v in group.get("values", []) if v.get("code") == code), {})


def _option_words(group: Mapping[str, Any], option: Mapping[str, Any]) -> str:
    name = _value(group, option.get("code", "")).get("name") or str(option.get("code", "")).lower()
    if option.get("negated"):
        return f"no {name}"
    if option.get("qualifier"):
        q = next((q for q in group.get("qualifiers", []) if q.get("code") == option["qualifier"]), {})
        return f"{(q.get('aliases') or [option['qualifier'].lower()])[0]} {name}"
    return name


def describe_line(line: Mapping[str, Any], catalog: Catalog | None) -> str:
    """`2x large pepperoni pizza (extra cheese, no onions)`: size first, other options after."""
    product = _product(catalog, line.get("sku", ""))
    size, extras = [], []
    for option in line.get("options") or []:
        words = _option_words(_group(product, option.get("group", "")), option)
        (size if option.get("group") == "size" and not option.get("negated") else extras).append(words)
    name = " ".join(size + [line.get("name") or (product or {}).get("name") or line.get("sku", "?")])
    return f"{line.get('quantity', 1)}x {name}" + (f" ({', '.join(extras)})" if extras else "")


def line_total(line: Mapping[str, Any], catalog: Catalog | None) -> Decimal | None:
    """The cart's own price if it sent one, else what the order will charge (the core's pricing:
    catalog price plus the deltas of options added); None if the catalog cannot say."""
    try:
        if line.get("unit_price") is not None:
            return pricing.line_total(pricing.money(line["unit_price"]), int(line["quantity"]))
        product = _product(catalog, line.get("sku", ""))
        if product is None:
            return None
        options = pricing.option_snapshots(product["sku"], product.get("options", []),
                                           line.get("options") or [])
        return pricing.line_total(pricing.unit_price(pricing.money(product["price"]), options),
                                  int(line["quantity"]))
    except (InvalidInput, KeyError, ValueError, TypeError):
        return None


def draft_total(lines: Sequence[Mapping[str, Any]], catalog: Catalog | None) -> Decimal | None:
    totals = [line_total(line, catalog) for line in lines]
    return None if any(t is None for t in totals) else sum(totals, Decimal("0.00"))


def currency_of(catalog: Catalog | None, lines: Sequence[Mapping[str, Any]] = ()) -> str | None:
    from_cart = next((line["currency"] for line in lines if line.get("currency")), None)
    return from_cart or ((catalog or {}).get("shop") or {}).get("currency")


def phone_text(phone: str | None) -> str | None:
    try:
        return phonenumbers.format_number(phonenumbers.parse(phone),
                                          phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except (phonenumbers.NumberParseException, TypeError):
        return phone


def _summary(lines: Sequence[Mapping[str, Any]], catalog: Catalog | None, *,
             with_total: bool = True) -> str:
    text = ", ".join(describe_line(line, catalog) for line in lines)
    total = draft_total(lines, catalog) if with_total else None
    return text + (f", total {money(total, currency_of(catalog, lines))}" if total is not None else "")


# ---- the customer's side -----------------------------------------------------------------

def customer_text(kind: str, payload: Mapping[str, Any], catalog: Catalog | None = None) -> str | None:
    """The message a customer gets for an outbox row, or None for a row that is not theirs."""
    if kind in ("customer.draft_created", "customer.draft_amended"):
        return _draft_reply(kind, payload, catalog)
    if kind == "customer.draft_rejected":
        reason = payload.get("reason")
        return "Sorry, the shop can't take this order" + (f": {reason}." if reason else ".")
    if kind == "customer.reply":
        return _reply(payload)
    if kind.startswith("order."):
        return _order_notice(kind, payload)
    return None


def _draft_reply(kind: str, payload: Mapping[str, Any], catalog: Catalog | None) -> str:
    content = payload.get("content") or {}
    lines = content.get("lines") or []
    questions = list(payload.get("clarifications") or content.get("clarifications") or [])
    opening = "Updated" if kind == "customer.draft_amended" else "Got it"
    if questions:
        ask = " ".join(questions)
        # No total yet: an open question (a size, say) may still change the price.
        return f"{opening}: {_summary(lines, catalog, with_total=False)}. {ask}" if lines else ask
    return f"{opening}: {_summary(lines, catalog)}. The shop will confirm shortly."


def _reply(payload: Mapping[str, Any]) -> str:
    intent = payload.get("intent", "other")
    if intent == "status_question":
        number = payload.get("order_number")
        if not number:
            return "I can't find an order from you yet. Write what you'd like and we'll start one."
        words = STATUS_WORDS.get(payload.get("status", ""), payload.get("status", ""))
        paid = " It is paid." if payload.get("financial_status") == "paid" else ""
        return f"Your order {number} is {words}.{paid}"
    return REPLIES.get(intent, REPLIES["other"])


def _order_notice(kind: str, p: Mapping[str, Any]) -> str | None:
    number, total = p.get("order_number", "?"), money(p.get("total"), p.get("currency"))
    if kind == "order.created":
        return f"Thank you! Your order is {number}, total {total}. We'll tell you as it moves along."
    if kind == "order.status_changed":
        return STATUS_NOTICES.get(p.get("status", ""), f"Your order {number} is now {p.get('status')}.") \
            .format(number=number)
    if kind == "order.payment_received":
        return f"We received your payment of {money(p.get('amount'), p.get('currency'))} " \
               f"for {number}. Thank you!"
    if kind == "order.fulfillment_created":
        how = f" with {p['carrier']}" if p.get("carrier") else ""
        track = f", tracking number {p['tracking_number']}" if p.get("tracking_number") else ""
        link = f" ({p['tracking_url']})" if p.get("tracking_url") else ""
        return f"Your order {number} has left the shop{how}{track}{link}."
    if kind == "order.refunded":
        return f"We refunded {money(p.get('amount'), p.get('currency'))} for your order {number}."
    if kind == "order.updated":
        return f"Your order {number} was updated; the total is now {total}."
    return None


# ---- the sellers' side -------------------------------------------------------------------

def seller_card(card: DraftCard, catalog: Catalog | None, *, updated: bool = False) -> str:
    """A pending draft as sellers see it, with the buttons they can tap."""
    content = card.content
    lines = content.get("lines") or []
    currency = currency_of(catalog, lines)
    via = f" via {CHANNELS.get(card.channel, card.channel)}" if card.channel else ""
    head = "Updated order draft" if updated else "New order draft"
    out = [f"{head} from {card.customer}{via}" + (f" (edited by {card.edited_by})" if card.edited_by else "")]
    for line in lines:
        out.append(f"  {describe_line(line, catalog):<44} {money(line_total(line, catalog), currency)}")
    if not lines:
        out.append("  (no items recognised yet)")
    total = draft_total(lines, catalog)
    if lines:
        out.append(f"  {'Total':<44} {money(total, currency)}")
    contact = content.get("contact") or {}
    details = [d for d in (contact.get("name"), contact.get("address"),
                           phone_text(contact.get("phone"))) if d]
    if details:
        out.append("  Deliver to: " + ", ".join(details))
    if content.get("note"):
        out.append(f"  Note: {content['note']}")
    out.append("  " + confidence_text(card))
    out.append("  [Approve] [Edit] [Reject]")
    return "\n".join(out)


def confidence_text(card: DraftCard) -> str:
    """`Confidence 45%, lowered by: ...` naming the unsure lines, unknown words, open questions."""
    percent = f"Confidence {round(card.confidence * 100)}%"
    if card.source == "cart" and card.confidence >= 1.0:
        return percent + " (exact: sent from the WhatsApp catalog cart)"
    content, reasons = card.content, []
    for line in content.get("lines") or []:
        if float(line.get("confidence", 1.0)) < LOW_LINE:
            reasons.append(f"\"{line.get('text') or line.get('name')}\" read as {line.get('name')} "
                           f"({round(float(line['confidence']) * 100)}%)")
    if content.get("unparsed"):
        reasons.append("words not understood: " + ", ".join(f"\"{w}\"" for w in content["unparsed"]))
    for question in content.get("clarifications") or []:
        reasons.append(f"still to ask: {question}")
    return percent + (", lowered by: " + "; ".join(reasons) if reasons else "")


def seller_decision(payload: Mapping[str, Any], reason: str | None = None) -> str:
    """The line a decided card ends with: who approved or rejected it, or that it expired."""
    status, who = payload.get("status"), payload.get("decided_by") or "the system"
    if status == "approved":
        return f"Approved by {who} as {payload.get('order_number')}."
    if status == "rejected":
        return f"Rejected by {who}" + (f": {reason}." if reason else ".")
    if status == "expired":
        return "Expired: nobody decided in time."
    return f"Draft is {status}."

