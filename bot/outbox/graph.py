"""WhatsApp Cloud API and Instagram messaging sends through the Graph API (aiohttp client).

    WhatsApp:  POST {GRAPH_API_BASE_URL}/{phone_number_id}/messages   text, or up to 3 reply
               buttons with titles of at most 20 characters, or a list of up to 10 rows with
               titles of at most 24 characters
    Instagram: POST {GRAPH_API_BASE_URL}/{account_id}/messages        text of at most 1,000 bytes
Both carry `Authorization: Bearer <the shop's access token>`.

A customer's choices (`messages.Choices`: "small", "medium", "large") become reply buttons, or a
list when there are more than three; the tap comes back as `interactive.button_reply` or
`list_reply` whose title the webhook reads as the customer's words, so a title is never cut
short: choices that do not fit the limits are left to the text, which names them anyway.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiohttp

from bot.messages import Choices
from bot.outbox.errors import RateLimited, Rejected, Transient

TIMEOUT = aiohttp.ClientTimeout(total=15)
DEFAULT_RETRY_AFTER = 60.0  # Meta's 429s rarely say how long; a minute is their usual window
INSTAGRAM_MAX_BYTES = 1000
WHATSAPP_MAX_BUTTONS, WHATSAPP_TITLE_MAX = 3, 20
WHATSAPP_MAX_ROWS, WHATSAPP_ROW_TITLE_MAX, WHATSAPP_ROW_ID_MAX = 10, 24, 200
WHATSAPP_INTERACTIVE_BODY_MAX, WHATSAPP_TEXT_MAX = 1024, 4096
ELLIPSIS = "…"


def whatsapp_body(to: str, text: str, buttons: Sequence[tuple[str, str]] = (),
                  choices: Choices | None = None) -> dict[str, Any]:
    """A text message, or an interactive one: reply buttons (label, id) where given, else the
    customer's choices as buttons or a list when they fit WhatsApp's limits."""
    base = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
    if not buttons and choices is not None and len(text) <= WHATSAPP_INTERACTIVE_BODY_MAX:
        options = list(choices.options)
        if len(options) <= WHATSAPP_MAX_BUTTONS and _fit(options, WHATSAPP_TITLE_MAX):
            buttons = [(option, option) for option in options]
        elif len(options) <= WHATSAPP_MAX_ROWS and _fit(options, WHATSAPP_ROW_TITLE_MAX):
            return {**base, "type": "interactive", "interactive": _list(text, choices)}
    if not buttons:
        return {**base, "type": "text",
                "text": {"body": trim_chars(text, WHATSAPP_TEXT_MAX), "preview_url": False}}
    return {**base, "type": "interactive", "interactive": {
        "type": "button", "body": {"text": text[:1024]},
        "action": {"buttons": [{"type": "reply", "reply": {"id": ref[:256],
                                                           "title": label[:WHATSAPP_TITLE_MAX]}}
                               for label, ref in buttons[:WHATSAPP_MAX_BUTTONS]]}}}


def _fit(options: Sequence[str], limit: int) -> bool:
    return len(set(options)) == len(options) and all(0 < len(o) <= limit for o in options)


def _list(text: str, choices: Choices) -> dict[str, Any]:
    rows = [{"id": f"choice:{i}:{option}"[:WHATSAPP_ROW_ID_MAX], "title": option}
            for i, option in enumerate(choices.options)]
    return {"type": "list", "body": {"text": text},
            "action": {"button": choices.prompt[:WHATSAPP_TITLE_MAX],
                       "sections": [{"title": choices.prompt[:WHATSAPP_ROW_TITLE_MAX], "rows": rows}]}}


def instagram_body(to: str, text: str) -> dict[str, Any]:
    return {"recipient": {"id": to}, "messaging_type": "RESPONSE",
            "message": {"text": trim_bytes(text, INSTAGRAM_MAX_BYTES)}}


def trim_bytes(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes: cut at the last word boundary that fits, with an ellipsis,
    never through a word or a multibyte character ("camión", "€")."""
    if len(text.encode()) <= limit:
        return text
    room = limit - len(ELLIPSIS.encode())
    head = text.encode()[:room + 1].decode(errors="ignore")  # one byte more: is a space next?
    cut = max(head.rfind(" "), head.rfind("\n"))
    kept = head[:cut] if cut > 0 else head.encode()[:room].decode(errors="ignore")
    return kept.rstrip(" \n,;:.-—") + ELLIPSIS


def trim_chars(text: str, limit: int) -> str:
    """At most `limit` characters, cut the same way (WhatsApp counts characters)."""
    if len(text) <= limit:
        return text
    head = text[:limit]  # limit - 1 characters and the ellipsis
    cut = max(head.rfind(" "), head.rfind("\n"))
    return (head[:cut] if cut > 0 else head[:limit - 1]).rstrip(" \n,;:.-—") + ELLIPSIS


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
                       buttons: Sequence[tuple[str, str]] = (),
                       choices: Choices | None = None) -> str:
        answer = await self._post(f"/{phone_number_id}/messages", token,
                                  whatsapp_body(to, text, buttons, choices))
        return str((answer.get("messages") or [{}])[0].get("id", ""))

    async def instagram(self, account_id: str, token: str, to: str, text: str) -> str:
        answer = await self._post(f"/{account_id}/messages", token, instagram_body(to, text))
        return str(answer.get("message_id", ""))

    async def message(self, account_id: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
        """Any message body (a document, quick replies) to the account's /messages."""
        return await self._post(f"/{account_id}/messages", token, body)

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
