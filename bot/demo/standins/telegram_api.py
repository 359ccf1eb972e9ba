"""A Telegram Bot API stand-in: the real python-telegram-bot client talks to it through `base_url`.
A test double, used by `make demo` (bot/demo) and by the tests (tests/standins re-exports it).

DESIGN.md (Channels, "Testing without the platforms") says why this and not telegram-test-api:
getMe here has `is_bot`, dates are in seconds, 429s carry `parameters.retry_after`, non-2xx
answers are scripted, and update_ids may repeat.

    async with StandIn() as api:                       # 127.0.0.1, a free port
        bot = telegram.Bot(TOKEN, base_url=api.base_url)
        api.rate_limit("sendMessage", times=2, retry_after=3)  # next 2 sendMessage: 429
        api.fail("editMessageText", times=1)           # next 1 editMessageText: 500 (None = any)
        api.queue_update(TOKEN, {"update_id": 1, "message": {...}})   # served by getUpdates
        api.calls                                      # every call: Call(token, method, params, status)
        api.calls_of("sendMessage")                    # only that method's calls
        api.sent(TOKEN)                                # messages sent (and edited), by message_id
        api.webhook(TOKEN)                             # {"url", "secret_token", "allowed_updates"} | None
        api.documents(TOKEN)                           # documents sent: chat_id, filename, size, content, caption

Methods: getMe, sendMessage, sendDocument, editMessageText, answerCallbackQuery, setWebhook,
deleteWebhook, getWebhookInfo, getUpdates; anything else (and a malformed token) answers 404 as Telegram does. Bodies may be JSON,
urlencoded or multipart (python-telegram-bot sends forms whose list/dict values are JSON
strings; those are decoded, scalars are kept as sent, so `chat_id` may be "42" in `params`).
State is per bot token, like Telegram's: each token has its own webhook, update queue and
message ids. getUpdates follows the Bot API: an `offset` confirms (drops) every queued update
with a smaller id, the rest are served; with none queued it waits up to min(timeout,
`max_poll`) seconds. While a webhook is set it answers 409, as Telegram does.
"""
from __future__ import annotations

import asyncio
import json
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from aiohttp import web
from aiohttp.test_utils import TestServer

_TOKEN = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class Call:
    token: str
    method: str
    params: dict[str, Any]
    status: int  # the HTTP status the stand-in answered with


@dataclass
class _Failure:
    method: str | None  # None: any method
    times: int
    status: int
    retry_after: int | None = None


@dataclass
class _Bot:
    """What Telegram keeps per bot token."""

    token: str
    updates: deque[dict[str, Any]] = field(default_factory=deque)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    webhook: dict[str, Any] | None = None
    messages: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    documents: list[dict[str, Any]] = field(default_factory=list)
    next_message_id: int = 1

    @property
    def id(self) -> int:
        return int(self.token.split(":", 1)[0])


class ApiError(Exception):
    def __init__(self, status: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters

    def body(self) -> dict[str, Any]:
        body = {"ok": False, "error_code": self.status, "description": self.description}
        return body | ({"parameters": self.parameters} if self.parameters else {})


class StandIn:
    """The Bot API on 127.0.0.1; `base_url` is what `telegram.Bot(base_url=...)` takes."""

    def __init__(self, max_poll: float = 1.0) -> None:
        self.max_poll = max_poll
        self.calls: list[Call] = []
        self._bots: dict[str, _Bot] = {}
        self._failures: list[_Failure] = []
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._server = TestServer(app, host="127.0.0.1")

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> StandIn:
        await self._server.start_server()
        return self

    async def close(self) -> None:
        await self._server.close()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}/bot"

    # --- scripting and inspection -------------------------------------------------------------

    def rate_limit(self, method: str | None, times: int, retry_after: int) -> None:
        """The next `times` calls of `method` answer 429 with parameters.retry_after."""
        self._failures.append(_Failure(method, times, 429, retry_after))

    def fail(self, method: str | None, times: int, status: int = 500) -> None:
        """The next `times` calls of `method` (None: of any method) answer `status`."""
        self._failures.append(_Failure(method, times, status))

    def queue_update(self, token: str, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates. Until an offset confirms it, every getUpdates serves
        it again: that is how a poller that stopped mid-batch sees an update_id twice."""
        bot = self._bot(token)
        bot.updates.append(update)
        bot.arrived.set()
        return update

    def calls_of(self, method: str, token: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and token in (None, c.token)]

    def sent(self, token: str | None = None) -> list[dict[str, Any]]:
        """The messages bots sent, as last edited, in the order they were sent."""
        bots = [self._bots[token]] if token in self._bots else [] if token else self._bots.values()
        messages = [m for bot in bots for m in bot.messages.values()]
        return sorted(messages, key=lambda m: m["message_id"])

    def documents(self, token: str | None = None) -> list[dict[str, Any]]:
        """The documents bots sent (sendDocument), in order, with the uploaded bytes."""
        bots = [self._bots[token]] if token in self._bots else [] if token else self._bots.values()
        return [d for bot in bots for d in bot.documents]

    def webhook(self, token: str) -> dict[str, Any] | None:
        return self._bots[token].webhook if token in self._bots else None

    # --- the API ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        params = await _params(request)
        try:
            if not _TOKEN.match(token):
                raise ApiError(404, "Not Found")
            self._scripted_failure(method)
            handler = self._methods.get(method)
            if handler is None:
                raise ApiError(404, "Not Found")
            result = await handler(self, self._bot(token), params)
        except ApiError as exc:
            self.calls.append(Call(token, method, params, exc.status))
            return web.json_response(exc.body(), status=exc.status)
        self.calls.append(Call(token, method, params, 200))
        return web.json_response({"ok": True, "result": result})

    def _scripted_failure(self, method: str) -> None:
        for failure in self._failures:
            if failure.times > 0 and failure.method in (None, method):
                failure.times -= 1
                if failure.retry_after is not None:
                    raise ApiError(failure.status,
                                   f"Too Many Requests: retry after {failure.retry_after}",
                                   retry_after=failure.retry_after)
                raise ApiError(failure.status, "Internal Server Error")

    def _bot(self, token: str) -> _Bot:
        return self._bots.setdefault(token, _Bot(token))

    async def _get_me(self, bot: _Bot, params: dict[str, Any]) -> dict[str, Any]:
        return {**_user(bot), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}

    async def _send_message(self, bot: _Bot, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, text = _required(params, "chat_id"), _required(params, "text")
        message = {"message_id": bot.next_message_id, "date": int(time.time()),
                   "chat": _chat(chat_id), "from": _user(bot), "text": str(text)}
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        bot.next_message_id += 1
        bot.messages[(str(chat_id), message["message_id"])] = message
        return message

    async def _send_document(self, bot: _Bot, params: dict[str, Any]) -> dict[str, Any]:
        """A document uploaded as a multipart file (a file_id or URL string is taken as sent)."""
        chat_id, upload = _required(params, "chat_id"), _required(params, "document")
        upload = upload if isinstance(upload, dict) else {"filename": None, "content": None,
                                                          "size": None, "reference": upload}
        message = {"message_id": bot.next_message_id, "date": int(time.time()),
                   "chat": _chat(chat_id), "from": _user(bot),
                   "document": {"file_id": f"doc-{bot.next_message_id}",
                                "file_unique_id": f"d{bot.next_message_id}",
                                "file_name": upload["filename"], "file_size": upload["size"],
                                "mime_type": "application/pdf"}}
        if params.get("caption"):
            message["caption"] = str(params["caption"])
        bot.next_message_id += 1
        bot.documents.append({"chat_id": str(chat_id), "caption": params.get("caption"),
                              "message_id": message["message_id"], **upload})
        return message

    async def _edit_message_text(self, bot: _Bot, params: dict[str, Any]) -> Any:
        text = str(_required(params, "text"))
        if "inline_message_id" in params:
            return True
        key = (str(_required(params, "chat_id")), int(_required(params, "message_id")))
        message = bot.messages.get(key)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if message["text"] == text and message.get("reply_markup") == markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message "
                                "content and reply markup are exactly the same as a current "
                                "content and reply markup of the message")
        message.update(text=text, edit_date=int(time.time()))
        message.pop("reply_markup", None)
        if markup is not None:
            message["reply_markup"] = markup
        return message

    async def _answer_callback_query(self, bot: _Bot, params: dict[str, Any]) -> bool:
        _required(params, "callback_query_id")
        return True

    async def _set_webhook(self, bot: _Bot, params: dict[str, Any]) -> bool:
        url = str(_required(params, "url"))
        if not url:
            bot.webhook = None
            return True
        if not url.startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        bot.webhook = {"url": url, "secret_token": params.get("secret_token"),
                       "allowed_updates": params.get("allowed_updates")}
        if _true(params.get("drop_pending_updates")):
            bot.updates.clear()
        return True

    async def _delete_webhook(self, bot: _Bot, params: dict[str, Any]) -> bool:
        bot.webhook = None
        if _true(params.get("drop_pending_updates")):
            bot.updates.clear()
        return True

    async def _get_webhook_info(self, bot: _Bot, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {"url": "", "has_custom_certificate": False,
                                "pending_update_count": len(bot.updates)}
        if bot.webhook is not None:
            info["url"] = bot.webhook["url"]
            if bot.webhook["allowed_updates"] is not None:
                info["allowed_updates"] = bot.webhook["allowed_updates"]
        return info

    async def _get_updates(self, bot: _Bot, params: dict[str, Any]) -> list[dict[str, Any]]:
        if bot.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset") or 0)
        if offset:
            # Confirmed: everything queued with a smaller id is gone for good.
            kept = [u for u in bot.updates if u["update_id"] >= offset]
            bot.updates.clear()
            bot.updates.extend(kept)
        if not bot.updates:
            bot.arrived.clear()
            wait = min(float(params.get("timeout") or 0), self.max_poll)
            if wait > 0:
                try:
                    await asyncio.wait_for(bot.arrived.wait(), wait)
                except TimeoutError:
                    pass
        limit = int(params.get("limit") or 100)
        return list(bot.updates)[:limit]

    _methods: ClassVar[dict[str, Any]] = {
        "getMe": _get_me, "sendMessage": _send_message, "sendDocument": _send_document,
        "editMessageText": _edit_message_text,
        "answerCallbackQuery": _answer_callback_query, "setWebhook": _set_webhook,
        "deleteWebhook": _delete_webhook, "getWebhookInfo": _get_webhook_info,
        "getUpdates": _get_updates}


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        body = await request.read()
        return json.loads(body) if body else {}
    if request.method == "GET":
        form: Any = request.query
    else:
        form = await request.post()
    return {key: _decoded(value) for key, value in form.items()}


def _decoded(value: Any) -> Any:
    """Form values: JSON lists and objects (reply_markup, allowed_updates) decoded; files read."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, str):
        return value
    if hasattr(value, "file"):  # an uploaded file: what it was called, its size and bytes
        content = value.file.read()
        return {"filename": value.filename, "size": len(content), "content": content}
    return str(value)


def _required(params: dict[str, Any], name: str) -> Any:
    if params.get(name) in (None, ""):
        raise ApiError(400, f"Bad Request: {name} is empty" if name in params
                       else f"Bad Request: parameter \"{name}\" is required")
    return params[name]


def _true(value: Any) -> bool:
    return value in (True, "true", "True", "1", 1)


def _user(bot: _Bot) -> dict[str, Any]:
    return {"id": bot.id, "is_bot": True, "first_name": "Stand-in Bot",
            "username": f"standin_{bot.id}_bot"}


def _chat(chat_id: Any) -> dict[str, Any]:
    try:
        number = int(chat_id)
    except (TypeError, ValueError):
        return {"id": -1000000000001, "type": "channel", "title": str(chat_id),
                "username": str(chat_id).lstrip("@")}
    if number > 0:
        return {"id": number, "type": "private", "first_name": f"User {number}"}
    return {"id": number, "type": "supergroup" if str(number).startswith("-100") else "group",
            "title": f"Group {number}"}
