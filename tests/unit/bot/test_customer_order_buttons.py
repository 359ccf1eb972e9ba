"""The customer's order buttons outside Telegram and the invoice links, as pure functions:
a WhatsApp or Instagram reply whose id is our signed token becomes an action row, anything else
stays words; Instagram quick replies stay within 1,000 bytes without cutting a token; invoice
tokens verify only for their own channel secret, shop and invoice."""
from __future__ import annotations

import uuid

from bot.invoices_http import _read, _signature, invoice_token
from bot.models import Channel
from bot.outbox import callbacks
from bot.outbox.documents import instagram_quick_replies, whatsapp_document
from bot.webhooks import instagram, whatsapp
from bot.webhooks.customer_buttons import tapped

SECRET, ORDER = "wa-app-secret-0123456789abcdef", uuid.uuid4()
SHOP = uuid.uuid4()


def test_a_whatsapp_button_reply_with_our_token_becomes_an_action():
    token = callbacks.sign(SECRET, "qa", ORDER)
    message = {"id": "wamid.1", "from": "34600111222", "type": "interactive",
               "interactive": {"type": "button_reply", "button_reply": {"id": token, "title": "Accept"}}}

    row = tapped(whatsapp.normalize(message, "Carla"), SECRET)

    assert (row["kind"], row["action"], row["order_id"], row["sender"]) == (
        "action", "qa", str(ORDER), "34600111222")


def test_a_forged_or_foreign_reply_stays_the_words_it_showed():
    for reply in (callbacks.sign("another-secret", "qa", ORDER),
                  callbacks.sign(SECRET, "qa", ORDER)[:-1] + "x",
                  callbacks.sign(SECRET, "a", ORDER),      # a seller's card action, not a customer's
                  "choice:0:large"):
        message = {"id": "wamid.2", "from": "34600111222", "type": "interactive",
                   "interactive": {"type": "button_reply", "button_reply": {"id": reply, "title": "Accept"}}}
        row = tapped(whatsapp.normalize(message, None), SECRET)
        assert row["kind"] == "text" and row["text"] == "Accept", reply


def test_an_instagram_quick_reply_with_our_token_becomes_an_action():
    token = callbacks.sign(SECRET, "rc", ORDER)
    event = {"sender": {"id": "6984302471611249"}, "recipient": {"id": "1784"}}
    message = {"mid": "m1", "text": "Received it", "quick_reply": {"payload": token}}

    row = tapped(instagram.normalize(event, message), SECRET)

    assert (row["kind"], row["action"], row["order_id"]) == ("action", "rc", str(ORDER))


def test_instagram_quick_replies_stay_within_1000_bytes_and_keep_the_token_whole():
    token = callbacks.sign(SECRET, "ip", ORDER)

    body = instagram_quick_replies("42", "Por favor, paga 26,00 € por tu pedido. " * 60,
                                   [("Ya pagué", token)])

    [quick] = body["message"]["quick_replies"]
    assert quick == {"content_type": "text", "title": "Ya pagué", "payload": token}
    size = len(body["message"]["text"].encode()) + len(quick["title"].encode()) + len(token.encode())
    assert size <= 1000 and body["message"]["text"].endswith("…")


def test_whatsapp_document_by_link():
    body = whatsapp_document("34600111222", "https://shop.example/invoices/x.pdf", "INV-00001.pdf",
                             "Your invoice INV-00001")
    assert body["type"] == "document" and body["document"] == {
        "link": "https://shop.example/invoices/x.pdf", "filename": "INV-00001.pdf",
        "caption": "Your invoice INV-00001"}


def test_an_invoice_token_names_its_channel_shop_and_invoice_and_verifies_only_with_its_secret():
    channel = Channel(shop_id=SHOP, kind="whatsapp", secret=SECRET)
    invoice = uuid.uuid4()

    ref, kind, shop, read_invoice, signature = _read(invoice_token(channel, invoice))

    assert (kind, shop, read_invoice) == ("whatsapp", SHOP, invoice)
    assert signature == _signature(SECRET, ref) != _signature("another-secret", ref)
    assert _read("w" + "A" * 10 + ".sig") is None and _read("nonsense") is None
