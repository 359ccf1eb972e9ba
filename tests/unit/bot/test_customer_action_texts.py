"""What a customer reads after acting on their order (claim code, Accept, I paid, Received it),
and the order notices that carry those buttons: whole sentences in English and Spanish, with
the button labels of the shop's language."""
from __future__ import annotations

import pytest

from bot import messages, texts
from ingestion.customer_actions import DONE

ORDER = {"order_id": "0b6c3f5e-8d1a-4a57-9d7e-1f2a3b4c5d6e", "order_number": "ORD-00042",
         "status": "claimed", "total": "26.00", "currency": "EUR"}
REPLIES = [*DONE.values(), "claimed_again", "claim_not_found", "claim_taken", "paid_nothing_due",
           "order_not_found", "action_refused"]
NOTICES = [("order.quote_sent", ORDER), ("order.quote_claimed", ORDER),
           ("order.payment_requested", {**ORDER, "amount_due": "26.00",
                                        "payment_instructions": "IBAN ES00 1234"}),
           ("order.invoice_issued", {**ORDER, "invoice_number": "INV-00007"})]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("intent", REPLIES)
def test_every_action_reply_reads_whole_in_both_languages(intent, language):
    payload = {"intent": intent, "code": "123-4567-890", **ORDER}

    text = messages.customer_text("customer.reply", payload, None, language)

    assert text and "{" not in text and "None" not in text
    assert texts.template(f"customer.reply.{intent}", language).language == language


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("kind", "payload"), NOTICES)
def test_the_notices_with_buttons_read_whole_in_both_languages(kind, payload, language):
    text = messages.customer_text(kind, payload, None, language)
    assert text and "{" not in text and "None" not in text and "?" not in text


def test_payment_request_names_the_amount_and_the_instructions():
    _, payload = NOTICES[2]
    assert messages.customer_text("order.payment_requested", payload, None, "en") == (
        "Please pay €26.00 for your order ORD-00042. IBAN ES00 1234. Tap \"I paid\" once you have.")


def test_button_labels_fit_whatsapp_titles_in_every_language():
    for language in ("en", "es"):
        labels = texts.words(language)["buttons"]
        assert set(labels) == {"qa", "rc", "ip", "oo"} and all(0 < len(v) <= 20 for v in labels.values())
    assert texts.words("es")["buttons"]["ip"] == "Ya pagué"


@pytest.mark.parametrize("language", ["en", "es"])
def test_sellers_read_who_accepted_and_who_says_they_paid(language):
    for kind in ("order.quote_accepted", "order.customer_says_paid"):
        entry = texts.template(kind, language)
        assert entry.recipient == texts.SELLERS and entry.language == language
        assert messages.customer_text(kind, ORDER, None, language) is None  # never to a customer
    said = texts.template("order.customer_says_paid", "en").render(
        number="ORD-00042", customer="Ana", amount_due="€26.00")
    assert said == "ORD-00042: the customer (Ana) says they paid (€26.00 was due). Check, then record the payment."


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("kind", "payload"), [
    ("order.status_changed", {**ORDER, "status": "completed"}),
    ("order.payment_request_withdrawn", ORDER),
    ("order.tracking_changed", {**ORDER, "carrier": "DHL", "tracking_number": "JD0002"}),
    ("order.stage_changed", {**ORDER, "stage": "baking"}),
    ("order.warranty_expiring", {**ORDER, "name": "pizza oven", "ends_at": "2027-03-12T10:00:00+00:00"}),
    ("customer.reply", {"intent": "status_question", **ORDER}),
])
def test_the_other_flow_notices_read_whole_in_both_languages(kind, payload, language):
    text = messages.customer_text(kind, payload, None, language)
    assert text and "{" not in text and "None" not in text and "claimed" not in text


def test_a_warranty_reminder_writes_the_day_as_the_customer_does():
    payload = {**ORDER, "name": "pizza oven", "ends_at": "2027-03-12T10:00:00+00:00"}
    assert "ends on March 12, 2027." in messages.customer_text("order.warranty_expiring", payload, None, "en")
    assert "termina el 12 de marzo de 2027." in messages.customer_text(
        "order.warranty_expiring", payload, None, "es")


def test_shipping_names_the_carrier_and_tracking_number_when_there_are_some():
    shipped = {**ORDER, "status": "shipped", "carrier": "DHL", "tracking_number": "JD0001"}
    assert messages.customer_text("order.status_changed", shipped, None, "en") == (
        "Your order ORD-00042 is on its way with DHL! Tracking number: JD0001.")
    assert messages.customer_text("order.status_changed", shipped, None, "es") == (
        "¡Tu pedido ORD-00042 está en camino con DHL! Número de seguimiento: JD0001.")
