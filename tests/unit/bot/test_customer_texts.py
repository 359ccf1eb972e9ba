"""Customer texts as data: every event a customer can receive reads well in English and
Spanish, a missing translation falls back to English, and a shop's override comes first."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import messages, texts
from ingestion.parser import Catalog, parse

CATALOGS = Path(__file__).resolve().parents[3] / "bot" / "catalogs"
PIZZERIA = json.loads((CATALOGS / "pizzeria.json").read_text(encoding="utf-8"))
PANADERIA = json.loads((CATALOGS / "panaderia.json").read_text(encoding="utf-8"))
PANADERIA["products"] = [{**p, "price": {"CAFE": "1.80", "CROISSANT": "1.20"}.get(p["sku"], "2.50")}
                         for p in PANADERIA["products"]]  # the file has no prices


def draft_payload(text: str, catalog: dict) -> dict:
    content = parse(text, Catalog.from_dict(catalog)).to_dict()
    return {"draft_id": "d1", "content": content, "clarifications": content["clarifications"]}


ORDER = {"order_number": "ORD-00042", "total": "27.50", "currency": "EUR", "status": "shipped",
         "financial_status": "paid"}
# (kind, payload) for every outbox row a customer can receive.
EVENTS = [
    ("customer.draft_created", {"content": {"lines": [{"sku": "CAFE", "name": "café", "quantity": 2,
                                                       "options": [{"group": "tamaño", "code": "L"}]}]}}),
    ("customer.draft_amended", {"content": {"lines": [{"sku": "CAFE", "name": "café", "quantity": 1,
                                                       "options": []}],
                                            "clarifications": ["¿Qué tamaño?"]}}),
    ("customer.draft_created", {"content": {"lines": [], "clarifications": ["¿Qué te gustaría pedir?"]}}),
    ("customer.draft_rejected", {"reason": "no repartimos tan lejos"}),
    ("customer.draft_rejected", {}),
    *[("customer.reply", {"intent": intent}) for intent in
      ("greeting", "thanks", "menu_question", "cancel", "unsupported", "other", "contact_details")],
    ("customer.reply", {"intent": "status_question", **ORDER}),
    ("customer.reply", {"intent": "status_question", "order_number": None}),
    ("order.created", ORDER),
    *[("order.status_changed", {**ORDER, "status": s}) for s in
      ("confirmed", "packed", "shipped", "delivered", "cancelled", "refunded")],
    ("order.payment_received", {**ORDER, "amount": "27.50"}),
    ("order.fulfillment_created", {**ORDER, "carrier": "Correos", "tracking_number": "PK0042ES",
                                   "tracking_url": "https://correos.es/t/PK0042ES"}),
    ("order.fulfillment_created", ORDER),
    ("order.refunded", {**ORDER, "amount": "5.00"}),
    ("order.updated", ORDER),
]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("kind", "payload"), EVENTS)
def test_every_customer_event_renders_fully_in_both_languages(kind, payload, language):
    text = messages.customer_text(kind, payload, PANADERIA, language)
    assert text and "{" not in text and "}" not in text and "None" not in text
    if language == "es" and text not in (payload.get("content") or {}).get("clarifications", []):
        english = messages.customer_text(kind, payload, PANADERIA, "en")
        assert text != english  # translated, not fallen back


def test_spanish_file_has_every_english_entry_with_the_same_placeholders():
    english, spanish = texts.texts("en"), texts.texts("es")
    assert english["events"].keys() == spanish["events"].keys()
    for kind in english["events"]:
        en, es = texts.template(kind, "en"), texts.template(kind, "es")
        assert en.recipient == es.recipient in (texts.CUSTOMER, texts.SELLERS), kind
        assert en.placeholders() == es.placeholders() and en.parts.keys() == es.parts.keys(), kind
    assert english["words"]["status"].keys() == spanish["words"]["status"].keys()


def test_spanish_draft_summary_puts_the_size_after_the_name_and_prices_in_euros():
    payload = draft_payload("dos cafés grandes con avena sin azúcar y un cruasán", PANADERIA)
    assert messages.customer_text("customer.draft_created", payload, PANADERIA, "es") == (
        "¡Anotado! 2x café grande (leche de avena, sin azúcar), 1x cruasán, total 4,80\xa0€. "
        "La tienda te lo confirmará en breve.")


def test_spanish_clarification_keeps_the_parsers_spanish_question():
    payload = draft_payload("una empanada", PANADERIA)
    assert messages.customer_text("customer.draft_created", payload, PANADERIA) == (
        "Anotado: 1x empanada. ¿Qué relleno quieres para empanada: atún, carne o pollo?")


def test_spanish_status_and_shipping_notices():
    es = lambda kind, **p: messages.customer_text(kind, {**ORDER, **p}, None, "es")  # noqa: E731
    assert es("order.status_changed", status="shipped") == "¡Tu pedido ORD-00042 está en camino!"
    assert es("customer.reply", intent="status_question", status="confirmed") == (
        "Tu pedido ORD-00042 está confirmado y en preparación. Ya está pagado.")
    assert es("order.fulfillment_created", carrier="Correos", tracking_number="PK0042ES") == (
        "Tu pedido ORD-00042 ha salido de la tienda con Correos, número de seguimiento PK0042ES.")
    assert es("order.refunded", amount="1234.5") == (
        "Te hemos reembolsado 1.234,50\xa0€ del pedido ORD-00042.")


def test_english_texts_read_as_before():
    en = lambda kind, **p: messages.customer_text(kind, {**ORDER, "currency": "USD", **p}, PIZZERIA)  # noqa: E731
    assert en("order.status_changed", status="confirmed") == (
        "Good news: the shop confirmed your order ORD-00042.")
    assert en("order.fulfillment_created", carrier="UPS", tracking_number="1Z9",
              tracking_url="https://ups.example/1Z9") == (
        "Your order ORD-00042 has left the shop with UPS, tracking number 1Z9 "
        "(https://ups.example/1Z9).")
    assert en("order.fulfillment_created") == "Your order ORD-00042 has left the shop."
    assert en("customer.draft_rejected", reason=None) == "Sorry, the shop can't take this order."
    assert messages.customer_text("customer.draft_created",
                                  draft_payload("two large pepperoni pizzas and a coke", PIZZERIA),
                                  PIZZERIA).endswith(", total $28.00. The shop will confirm shortly.")


def test_an_unknown_status_still_says_something_in_the_shops_language():
    assert messages.customer_text("order.status_changed", {**ORDER, "status": "on_hold"}, None, "es") == (
        "Tu pedido ORD-00042 ahora está on_hold.")


def test_language_comes_from_the_catalog_when_not_given_and_unknown_languages_read_english():
    payload = {"intent": "thanks"}
    assert messages.customer_text("customer.reply", payload, PANADERIA) == "¡De nada!"
    assert messages.customer_text("customer.reply", payload, None, "es-MX") == "¡De nada!"
    assert messages.customer_text("customer.reply", payload, None, "fr") == "You're welcome!"
    assert messages.customer_text("customer.reply", {**payload, "language": "es"}) == "¡De nada!"


def test_a_missing_translation_falls_back_to_english(monkeypatch):
    english = texts.texts("en")
    events = {**english["events"], "order.only_in_english": {"recipient": "customer",
                                                        "template": "Here is your quote {number}."}}
    loaded = {"en": {**english, "events": events}, "es": texts.texts("es")}
    monkeypatch.setattr(texts, "texts", lambda code: loaded[texts.language_code(code)])
    entry = texts.template("order.only_in_english", "es")
    assert entry.language == "en" and entry.render(number="Q-1") == "Here is your quote Q-1."
    assert texts.template("order.status_changed.shipped", "es").language == "es"
    assert texts.template("no.such.event", "es") is None


def test_a_shops_override_comes_first_and_seller_entries_are_not_sent_to_customers():
    overrides = {"order.status_changed.shipped": {"recipient": "customer",
                                                  "template": "¡{number} ya vuela hacia ti!"}}
    payload = {**ORDER, "status": "shipped"}
    assert messages.customer_text("order.status_changed", payload, None, "es", overrides) == (
        "¡ORD-00042 ya vuela hacia ti!")
    sellers_only = {"order.updated": {"recipient": "sellers", "template": "{number} changed"}}
    assert messages.customer_text("order.updated", payload, None, "en", sellers_only) is None


def test_a_placeholder_nobody_fills_stays_visible_instead_of_failing():
    entry = texts.Template("x", "en", texts.CUSTOMER, "Order {number} {typo}")
    assert entry.render(number="ORD-1") == "Order ORD-1 {typo}"


def test_rows_that_are_not_the_customers_get_no_text():
    assert messages.customer_text("draft.created", {"draft_id": "d1"}, PIZZERIA) is None
    assert messages.customer_text("something.else", {}, PIZZERIA, "es") is None


def test_prices_follow_the_shops_language_and_region():
    assert messages.customer_money("1234.5", "EUR", "es") == "1.234,50\xa0€"
    assert messages.customer_money("1234.5", "MXN", "es", "MX") == "$1,234.50"
    assert messages.customer_money("27.5", "USD", "en", "US") == "$27.50"
    assert messages.customer_money(None, "USD", "en") == "?"


def test_seller_helpers_keep_their_signatures():
    line = {"sku": "PIZZA", "name": "pizza", "quantity": 2,
            "options": [{"group": "size", "code": "LARGE"}, {"group": "topping", "code": "ONIONS",
                                                             "negated": True}]}
    assert messages.describe_line(line, PIZZERIA) == "2x large pizza (no onions)"
    assert messages.money("27.5", "USD") == "$27.50"
    assert messages.currency_of(PIZZERIA) == "USD"
    assert messages.draft_total([line], PIZZERIA) is not None
    assert messages.phone_text("+14155550123") == "+1 415-555-0123"
