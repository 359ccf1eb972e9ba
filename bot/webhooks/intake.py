"""What every webhook does around its platform's shape: read the body within the limit, parse
JSON, check a Meta signature, and store the normalized messages before answering 200."""
from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import AsyncIterator
from typing import Any

import orjson
from aiohttp import web

from bot.webhooks.channels import TelegramEndpoints
from bot.webhooks.errors import BadPayload, BadSignature, BodyTooLarge
from bot.webhooks.keys import INBOX_WORKER, SESSIONS, SETTINGS
from ingestion.group_commit import GroupCommitter
from ingestion.inbox import IncomingMessage

class Traffic:
    """Webhook requests being stored right now, and when the last one ended: the inbox worker
    in this process gives way while the platforms are still being answered."""

    QUIET = 0.05  # seconds after the last request before the worker counts the wire as quiet

    def __init__(self) -> None:
        self.in_flight, self.last = 0, 0.0

    def __enter__(self) -> None:
        self.in_flight += 1

    def __exit__(self, *exc: object) -> None:
        self.in_flight -= 1
        self.last = time.monotonic()

    def busy(self) -> bool:
        return self.in_flight > 0 or time.monotonic() - self.last < self.QUIET


GROUP_COMMIT = web.AppKey("group_commit", GroupCommitter)
TRAFFIC = web.AppKey("traffic", Traffic)
TELEGRAM_ENDPOINTS = web.AppKey("telegram_endpoints", TelegramEndpoints)


async def group_commit(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx entry (after the database's): the inbox's shared commits, and the cached
    channel lookups every webhook request makes before storing."""
    committer = app[GROUP_COMMIT] = GroupCommitter(app[SESSIONS])
    app[TELEGRAM_ENDPOINTS] = TelegramEndpoints(app[SESSIONS])
    yield
    await committer.close()


async def read_body(request: web.Request) -> bytes:
    limit = request.app[SETTINGS].WEBHOOK_MAX_BODY_BYTES
    if request.content_length is not None and request.content_length > limit:
        raise BodyTooLarge(limit)
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:  # chunked bodies are only measured while read
        raise BodyTooLarge(limit) from None


def parse_json(body: bytes) -> dict[str, Any]:
    """The body as a JSON object (orjson: strict UTF-8 JSON, at most 1024 levels deep)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        deep = "depth limit" in str(exc)
        raise BadPayload("the JSON is nested too deeply" if deep
                         else "the body is not JSON") from None
    if not isinstance(data, dict):
        raise BadPayload("the body is not a JSON object")
    return data


def meta_signature(request: web.Request) -> str:
    """The hex digest of `X-Hub-Signature-256: sha256=<hex>`; 401 when absent or malformed."""
    header = request.headers.get("X-Hub-Signature-256", "")
    scheme, _, digest = header.partition("=")
    if scheme != "sha256" or not digest:
        raise BadSignature("X-Hub-Signature-256")
    return digest


def check_meta_signature(digest: str, body: bytes, app_secrets: set[str]) -> None:
    """The body must be signed with every routed shop's app secret (one, in practice)."""
    for secret in app_secrets:
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), digest.lower().encode()):
            raise BadSignature("X-Hub-Signature-256")


async def deliver(request: web.Request, messages: list[IncomingMessage]) -> web.Response:
    """Store the messages, commit, then answer 200 (a redelivery is answered 200 too).
    Concurrent requests share the transaction and its commit (group commit)."""
    with request.app[TRAFFIC]:
        fresh = await request.app[GROUP_COMMIT].store(messages)
    if any(fresh):
        request.app[INBOX_WORKER].wake()
    return web.Response(body=orjson.dumps({"received": len(messages), "new": sum(fresh)}),
                        content_type="application/json")


def require(condition: bool, reason: str) -> None:
    if not condition:
        raise BadPayload(reason)
