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
