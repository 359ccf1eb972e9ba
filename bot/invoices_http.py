"""GET /invoices/{token}.pdf: an invoice's PDF, for the channels that send documents by link
(WhatsApp's `document`, Instagram's `file` attachment fetch it from here).

    url = invoice_url(PUBLIC_BASE_URL, channel, invoice_id)   # what the dispatcher sends

The token is the (shop, invoice) pair and the channel it went through, signed with a key derived
from that channel's secret: a link cannot be guessed or pointed at another invoice, and rotating
the channel's secret revokes the links sent through it. Anything that does not verify is 404,
the same as an invoice that does not exist, so a probe learns nothing.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import INSTAGRAM, TELEGRAM, WHATSAPP, Channel
from bot.webhooks.channels import first_shop_channel
from bot.webhooks.keys import SESSIONS
from orders.errors import InvoiceNotFound
from orders.services.invoices import invoice_document
from orders.uow import UnitOfWork

ROUTE = "/invoices/{token}.pdf"
_KINDS = {TELEGRAM: "t", WHATSAPP: "w", INSTAGRAM: "i"}
_BY_LETTER = {letter: kind for kind, letter in _KINDS.items()}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _signature(secret: str, ref: str) -> str:
    key = hmac.new(secret.encode(), b"orderbot-invoice-link", hashlib.sha256).digest()
    return _b64(hmac.new(key, ref.encode(), hashlib.sha256).digest()[:16])


def invoice_token(channel: Channel, invoice_id: uuid.UUID | str) -> str:
    ref = _KINDS[channel.kind] + _b64(channel.shop_id.bytes + uuid.UUID(str(invoice_id)).bytes)
    return f"{ref}.{_signature(channel.secret, ref)}"


def invoice_url(base_url: str, channel: Channel, invoice_id: uuid.UUID | str) -> str:
    return f"{base_url.rstrip('/')}/invoices/{invoice_token(channel, invoice_id)}.pdf"


def _read(token: str) -> tuple[str, str, uuid.UUID, uuid.UUID, str] | None:
    """(ref, channel kind, shop id, invoice id, signature), or None for a malformed token."""
    ref, _, signature = token.partition(".")
    try:
        raw = base64.urlsafe_b64decode(ref[1:] + "==")
    except ValueError:
        return None
    if ref[:1] not in _BY_LETTER or len(raw) != 32 or not signature:
        return None
    return ref, _BY_LETTER[ref[:1]], uuid.UUID(bytes=raw[:16]), uuid.UUID(bytes=raw[16:]), signature


async def _channel(session: AsyncSession, shop_id: uuid.UUID, kind: str) -> Channel | None:
    stored = await session.get(Channel, (shop_id, kind))
    if stored is not None:
        return stored
    first = await first_shop_channel(session, kind)  # the first shop's, from the environment
    return first[1] if first is not None and first[1].shop_id == shop_id else None


async def serve_invoice(request: web.Request) -> web.Response:
    """The PDF if the token verifies; 404 otherwise."""
    read = _read(request.match_info["token"])
    if read is None:
        raise web.HTTPNotFound()
    ref, kind, shop_id, invoice_id, signature = read
    async with UnitOfWork(request.app[SESSIONS]).reading() as uow:
        channel = await _channel(uow.session, shop_id, kind)
    if channel is None or not hmac.compare_digest(signature, _signature(channel.secret, ref)):
        raise web.HTTPNotFound()
    try:
        document = await invoice_document(UnitOfWork(request.app[SESSIONS]), shop_id, invoice_id)
    except InvoiceNotFound:
        raise web.HTTPNotFound() from None
    return web.Response(body=document.content, content_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{document.filename}"',
        "Cache-Control": "private, max-age=3600"})
