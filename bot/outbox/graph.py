"""WhatsApp Cloud API and Instagram messaging sends through the Graph API (aiohttp client).

    WhatsApp:  POST {GRAPH_API_BASE_URL}/{phone_number_id}/messages   text, or up to 3 reply
               buttons with titles of at most 20 characters
    Instagram: POST {GRAPH_API_BASE_URL}/{account_id}/messages        text of at most 1,000 bytes
Both carry `Authorization: Bearer <the shop's access token>`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiohttp

from bot.outbox.errors import RateLimited, Rejected, Transient

TIMEOUT = aiohttp.ClientTimeout(total=15)
DEFAULT_RETRY_AFTER = 60.0  # Meta's 429s rarely say how long; a minute is their usual window
INSTAGRAM_MAX_BYTES = 1000
WHATSAPP_MAX_BUTTONS, WHATSAPP_TITLE_MAX = 3, 20


def whatsapp_body(to: str, text: str, buttons: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """A text message, or an interactive one with reply buttons (label, id) where given."""
    base = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
    if not buttons:
        return {**base, "type": "text", "text": {"body": text[:4096], "preview_url": False}}
    return {**base, "type": "interactive", "interactive": {
        "type": "button", "body": {"text": text[:1024]},
        "action": {"buttons": [{"type": "reply", "reply": {"id": ref[:256],
                                                           "title": label[:WHATSAPP_TITLE_MAX]}}
                               for label, ref in buttons[:WHATSAPP_MAX_BUTTONS]]}}}


def instagram_body(to: str, text: str) -> dict[str, Any]:
    return {"recipient": {"id": to}, "messaging_type": "RESPONSE",
            "message": {"text": trim_bytes(text, INSTAGRAM_MAX_BYTES)}}


def trim_bytes(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes, never cutting a character in half."""
    raw = text.encode()
    if len(raw) <= limit:
        return text
    return raw[:limit - 3].decode(errors="ignore") + "..."


class GraphSender:
    def __init__(self, base_url: str, *, timeout: float = TIMEOUT.total or 15) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def whatsapp(self, phone_number_id: str, token: str, to: str, text: str,
                       buttons: Sequence[tuple[str, str]] = ()) -> str:
        answer = await self._post(f"/{phone_number_id}/messages", token,
                                  whatsapp_body(to, text, buttons))
        return str((answer.get("messages") or [{}])[0].get("id", ""))

    async def instagram(self, account_id: str, token: str, to: str, text: str) -> str:
        answer = await self._post(f"/{account_id}/messages", token, instagram_body(to, text))
        return str(answer.get("message_id", ""))

    async def _post(self, path: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        try:
            async with self._session.post(self.base_url + path, json=body,
                                          headers={"Authorization": f"Bearer {token}"}) as resp:
                text = await resp.text()
                if resp.status == 429:
                    raise RateLimited(float(resp.headers.get("Retry-After", DEFAULT_RETRY_AFTER)),
                                      "(Graph API 429)")
                if resp.status >= 500:
                    raise Transient(f"Graph API {resp.status}: {text[:500]}")
                if resp.status >= 400:
                    raise Rejected(f"Graph API {resp.status}: {text[:1000]}")
                return await resp.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise Transient(f"Graph API unreachable: {exc!r}") from exc
