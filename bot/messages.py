"""What people read: outbox rows (kind + payload) turned into chat text, pure functions only.

    customer_text(kind, payload, catalog[, language])  -> the customer's message, or None if
                                            not theirs; wording from bot/texts/<language>.json
    customer_choices(kind, payload, catalog) -> the answers a customer may tap, if any
    seller_card(card, catalog)              -> the card sellers see for a pending draft
    seller_decision(payload, reason)        -> the line that replaces a decided card

`catalog` is a shop's catalog in DESIGN.md's JSON form (`orders.services.load_catalog`); it
gives option names and prices, since draft payloads carry only SKUs and codes. The channel
adapters (Telegram, WhatsApp, Instagram) and the demo share these texts.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import phonenumbers
from babel.dates import format_date
from babel.numbers import format_currency

from bot import texts
from orders.domain import pricing
from orders.errors import InvalidInput

Catalog = Mapping[str, Any]
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "MXN": "MX$", "CAD": "CA$", "AUD": "A$"}
CHANNELS = {"telegram": "Telegram", "whatsapp": "WhatsApp", "instagram": "Instagram"}
LOW_LINE = 0.9  # a line read with less confidence than this is named on the card

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


def _option_words(group: Mapping[str, Any], option: Mapping[str, Any],
                  language: str | None = None) -> str:
    name = _value(group, option.get("code", "")).get("name") or str(option.get("code", "")).lower()
    if option.get("negated"):
        return texts.words(language)["without"].format(option=name)
    if option.get("qualifier"):
        q = next((q for q in group.get("qualifiers", []) if q.get("code") == option["qualifier"]), {})
        return f"{(q.get('aliases') or [option['qualifier'].lower()])[0]} {name}"
    return name


def describe_line(line: Mapping[str, Any], catalog: Catalog | None, *,
                  language: str | None = None) -> str:
    """`2x large pepperoni pizza (extra cheese, no onions)`: the size beside the name (before it
    in English, after it in Spanish: `1x café grande (sin azúcar)`), other options after."""
    product = _product(catalog, line.get("sku", ""))
    size, extras = [], []
    for option in line.get("options") or []:
        words = _option_words(_group(product, option.get("group", "")), option, language)
        is_size = option.get("group") in texts.size_groups() and not option.get("negated")
        (size if is_size else extras).append(words)
    name = [line.get("name") or (product or {}).get("name") or line.get("sku", "?")]
    # Where the size goes is the catalog's language's rule: its names are in that language.
    names_in = ((catalog or {}).get("shop") or {}).get("language") or language
    name = size + name if texts.words(names_in)["size_before_name"] else name + size
    return f"{line.get('quantity', 1)}x {' '.join(name)}" + (f" ({', '.join(extras)})" if extras else "")


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


# ---- the customer's side -----------------------------------------------------------------

@dataclass(frozen=True)
class Choices:
    """Answers a customer can tap instead of typing, and the label of a list's opening button."""

    options: tuple[str, ...]
    prompt: str


def sentence(text: str | None) -> str | None:
    """A seller's words ended as a sentence ("IBAN DE02 ..." -> "IBAN DE02 ...."), once."""
    text = (text or "").strip()
    return (text if text[-1] in ".!?" else text + ".") if text else None


def customer_text(kind: str, payload: Mapping[str, Any], catalog: Catalog | None = None,
                  language: str | None = None,
                  overrides: Mapping[str, Mapping[str, Any]] | None = None) -> str | None:
    """The message a customer gets for an outbox row, in the shop's language (the catalog's
    `shop.language` when not given), or None for a row that is not theirs."""
    language = _language(payload, catalog, language)
    key, values = _event(kind, payload, catalog, language)
    entry = texts.template(key, language, overrides) if key else None
    if entry is None or entry.recipient != texts.CUSTOMER:
        return None
    return entry.render(**values)


def customer_choices(kind: str, payload: Mapping[str, Any], catalog: Catalog | None = None,
                     language: str | None = None) -> Choices | None:
    """The options of the draft's open question a tap can answer, if one can be offered safely:
    the first question with options, unless another open question takes one of the same
    answers (then a tap could land on the wrong item)."""
    if kind not in DRAFT_KINDS:
        return None
    content = payload.get("content") or {}
    asked = list(payload.get("clarifications") or content.get("clarifications") or [])
    offered = [c for c in content.get("choices") or [] if c.get("question") in asked]
    if not offered:
        return None
    first, others = offered[0], offered[1:]
    options = tuple(dict.fromkeys(str(o) for o in first.get("options") or []))
    if len(options) < 2 or any(set(options) & set(map(str, c.get("options") or [])) for c in others):
        return None
    return Choices(options, texts.words(_language(payload, catalog, language))["choose"])


DRAFT_KINDS = ("customer.draft_created", "customer.draft_amended")


def _language(payload: Mapping[str, Any], catalog: Catalog | None, language: str | None) -> str:
    shop = (catalog or {}).get("shop") or {}
    return texts.language_code(language or shop.get("language") or payload.get("language"))


def _event(kind: str, p: Mapping[str, Any], catalog: Catalog | None,
           language: str) -> tuple[str | None, dict[str, Any]]:
    """The language-file key for this row and the values its template takes."""
    price = _pricer(catalog, language)
    number = p.get("order_number") or "?"
    status = str(p.get("status") or "")
    status_words = texts.words(language)["status"].get(status, status)
    if kind in DRAFT_KINDS:
        return _draft_event(kind, p, catalog, language)
    if kind == "customer.draft_rejected":
        return kind, {"reason": p.get("reason")}
    if kind == "customer.reply":
        intent = str(p.get("intent") or "other")
        if intent == "status_question":
            if not p.get("order_number"):
                return "customer.reply.status_question.no_order", {}
            return "customer.reply.status_question", {
                "number": number, "status_words": status_words,
                "paid": p.get("financial_status") == "paid"}
        known = texts.template(f"customer.reply.{intent}", language) is not None
        return f"customer.reply.{intent if known else 'other'}", {
            "number": number, "code": p.get("code"), "status_words": status_words}
    if not kind.startswith("order."):
        return None, {}
    values = {"number": number, "status": status, "status_words": status_words,
              "total": price(p.get("total"), p.get("currency")),
              "amount": price(p.get("amount"), p.get("currency")),
              "carrier": p.get("carrier"), "tracking_number": p.get("tracking_number"),
              "tracking_url": p.get("tracking_url"),
              "amount_due": price(p.get("amount_due"), p.get("currency")),
              "payment_instructions": sentence(p.get("payment_instructions")),
              "invoice_number": p.get("invoice_number"), "stage": p.get("stage"),
              "name": p.get("name"), "ends_at": _day(p.get("ends_at"), catalog, language)}
    if kind == "order.status_changed" and texts.template(f"{kind}.{status}", language):
        return f"{kind}.{status}", values
    return kind, values


def _draft_event(kind: str, payload: Mapping[str, Any], catalog: Catalog | None,
                 language: str) -> tuple[str, dict[str, Any]]:
    content = payload.get("content") or {}
    lines = content.get("lines") or []
    questions = list(payload.get("clarifications") or content.get("clarifications") or [])
    summary = ", ".join(describe_line(line, catalog, language=language) for line in lines)
    if questions:
        # No total yet: an open question (a size, say) may still change the price.
        key = f"{kind}.question" if lines else f"{kind}.question_only"
        return key, {"summary": summary, "questions": " ".join(questions)}
    total = draft_total(lines, catalog)
    shown = _pricer(catalog, language)(total, currency_of(catalog, lines)) if total is not None else None
    return kind, {"summary": summary, "total": shown}


def _day(when: str | None, catalog: Catalog | None, language: str) -> str | None:
    """An ISO timestamp as the customer's locale writes the day ("March 12, 2027", "12 de marzo de 2027")."""
    if not when:
        return None
    region = ((catalog or {}).get("shop") or {}).get("region")
    try:
        return format_date(datetime.fromisoformat(when).date(), "long",
                           locale=texts.locale(language, region))
    except (ValueError, LookupError):
        return when[:10]


def _pricer(catalog: Catalog | None, language: str):
    region = ((catalog or {}).get("shop") or {}).get("region")
    return lambda amount, currency: customer_money(amount, currency, language, region)


def customer_money(amount: Decimal | str | None, currency: str | None, language: str | None = None,
                   region: str | None = None) -> str:
    """A price as the customer's locale writes it ("$27.50", "27,50 €"), by CLDR (babel)."""
    if amount is None or not currency:
        return money(amount, currency)
    try:
        return format_currency(pricing.money(amount), currency, locale=texts.locale(language, region))
    except (ValueError, LookupError):
        return money(amount, currency)


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
    if status == "approved" and payload.get("as_quote"):
        return f"Sent as quote {payload.get('order_number')} by {who}."
    if status == "approved":
        return f"Approved by {who} as {payload.get('order_number')}."
    if status == "rejected":
        return f"Rejected by {who}" + (f": {reason}." if reason else ".")
    if status == "expired":
        return "Expired: nobody decided in time."
    return f"Draft is {status}."

