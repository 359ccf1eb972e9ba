"""What a customer gets beyond text: the invoice PDF of `order.invoice_issued`, and buttons on
Instagram (quick replies).

    Telegram:  sendDocument with the PDF's bytes (python-telegram-bot `Bot.send_document`)
    WhatsApp:  a `document` message by link       } both fetch GET /invoices/{token}.pdf
    Instagram: a `file` attachment by link        } (bot/invoices_http.py), signed per channel

The Graph bodies live here beside the Telegram send rather than in graph.py, which keeps the
text sends; both go through the same `GraphSender` (its limits, errors and retries).
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.invoices_http import invoice_url
from bot.models import TELEGRAM, WHATSAPP, Channel
from bot.outbox.errors import Rejected
from bot.outbox.graph import INSTAGRAM_MAX_BYTES, WHATSAPP_TITLE_MAX, GraphSender, trim_bytes
from bot.outbox.telegram import TelegramSender
from orders.models import OutboxMessage
from orders.services.invoices import invoice_document
from orders.uow import UnitOfWork

DOCUMENT_KINDS = ("order.invoice_issued",)
WHATSAPP_CAPTION_MAX = 1024
INSTAGRAM_QUICK_REPLIES_MAX = 13


async def send_invoice(telegram: TelegramSender, graph: GraphSender,
                       sessions: async_sessionmaker[AsyncSession], public_base_url: str,
                       channel: Channel, row: OutboxMessage, caption: str | None) -> str:
    """Send the row's invoice PDF to its customer; returns the platform's message id."""
    invoice_id = row.payload.get("invoice_id")
    if not invoice_id:
        raise Rejected(f"{row.kind} names no invoice")
    if channel.kind == TELEGRAM:
        document = await invoice_document(UnitOfWork(sessions), row.shop_id, uuid.UUID(invoice_id))
        return await telegram.send_document(channel.token, row.recipient, document.content,
                                            document.filename, caption)
    url = invoice_url(public_base_url, channel, invoice_id)
    filename = str(row.payload.get("filename") or f"{row.payload.get('invoice_number')}.pdf")
    if channel.kind == WHATSAPP:
        answer = await graph.message(channel.account_id, channel.token,
                                     whatsapp_document(row.recipient, url, filename, caption))
        return str((answer.get("messages") or [{}])[0].get("id", ""))
    if caption:  # an Instagram attachment carries no text of its own
        await graph.instagram(channel.account_id, channel.token, row.recipient, caption)
    answer = await graph.message(channel.account_id, channel.token,
                                 instagram_file(row.recipient, url))
    return str(answer.get("message_id", ""))


def whatsapp_document(to: str, url: str, filename: str, caption: str | None) -> dict[str, Any]:
    document = {"link": url, "filename": filename}
    if caption:
        document["caption"] = caption[:WHATSAPP_CAPTION_MAX]
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
            "type": "document", "document": document}


def instagram_file(to: str, url: str) -> dict[str, Any]:
    return {"recipient": {"id": to}, "messaging_type": "RESPONSE",
            "message": {"attachment": {"type": "file", "payload": {"url": url}}}}


def instagram_quick_replies(to: str, text: str, replies: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Text with quick replies (title, payload); the whole message within Instagram's 1,000
    bytes: the text gives way, never a payload (a cut signed token would not verify)."""
    quick = [{"content_type": "text", "title": title[:WHATSAPP_TITLE_MAX], "payload": payload}
             for title, payload in replies[:INSTAGRAM_QUICK_REPLIES_MAX]]
    room = INSTAGRAM_MAX_BYTES - sum(len(q["title"].encode()) + len(q["payload"].encode())
                                     for q in quick)
    return {"recipient": {"id": to}, "messaging_type": "RESPONSE",
            "message": {"text": trim_bytes(text, max(room, 1)), "quick_replies": quick}}


async def send_instagram_buttons(graph: GraphSender, channel: Channel, to: str, text: str,
                                 replies: Sequence[tuple[str, str]]) -> str:
    answer = await graph.message(channel.account_id, channel.token,
                                 instagram_quick_replies(to, text, replies))
    return str(answer.get("message_id", ""))
