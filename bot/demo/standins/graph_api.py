"""A Graph API stand-in for the send endpoints (WhatsApp Cloud API, Instagram messaging).
A test double, used by `make demo` (bot/demo) and by the tests (tests/standins re-exports it).

    async with GraphStandIn() as graph:              # 127.0.0.1, a free port
        settings.GRAPH_API_BASE_URL = graph.base_url
        graph.rate_limit(times=1, retry_after=2)      # next call: 429 with Retry-After: 2
        graph.fail(times=2, status=500)               # next 2 calls: 500 (or any status)
        graph.stall(times=1, seconds=1.0)             # next call answers only after a pause
        graph.calls                                   # every POST: Call(path, json, authorization, status)

POST /{id}/messages (and /me/messages). A body with `messaging_product` is WhatsApp's and gets
`{"messaging_product": "whatsapp", "contacts": [...], "messages": [{"id": "wamid..."}]}`;
anything else is Instagram's and gets `{"recipient_id": ..., "message_id": "mid..."}`.
"""
from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from typing import Any, Self

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass(frozen=True)
class Call:
    path: str
    json: dict[str, Any]
    authorization: str | None
    status: int


@dataclass
class _Failure:
    times: int
    status: int
    retry_after: int | None = None
    stall: float = 0.0


class GraphStandIn:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._failures: list[_Failure] = []
        self._ids = itertools.count(1)
        app = web.Application()
        app.router.add_post("/{account}/messages", self._messages)
        self._server = TestServer(app, host="127.0.0.1")

    async def __aenter__(self) -> Self:
        await self._server.start_server()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._server.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}"

    def rate_limit(self, times: int, retry_after: int) -> None:
        self._failures.append(_Failure(times, 429, retry_after))

    def fail(self, times: int, status: int = 500) -> None:
        self._failures.append(_Failure(times, status))

    def stall(self, times: int, seconds: float) -> None:
        self._failures.append(_Failure(times, 504, stall=seconds))

    def ok(self) -> list[Call]:
        return [c for c in self.calls if c.status == 200]

    async def _messages(self, request: web.Request) -> web.Response:
        body = await request.json()
        auth = request.headers.get("Authorization")
        for failure in self._failures:
            if failure.times > 0:
                failure.times -= 1
                if failure.stall:  # answers too late: the client has given up by then
                    await asyncio.sleep(failure.stall)
                    self.calls.append(Call(request.path, body, auth, 504))
                    return web.json_response({"error": {"message": "stalled"}}, status=504)
                self.calls.append(Call(request.path, body, auth, failure.status))
                headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
                return web.json_response(
                    {"error": {"message": f"scripted {failure.status}", "type": "OAuthException",
                               "code": 4 if failure.status == 429 else 100}},
                    status=failure.status, headers=headers)
        self.calls.append(Call(request.path, body, auth, 200))
        n = next(self._ids)
        if "messaging_product" in body:
            return web.json_response({"messaging_product": "whatsapp",
                                      "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                                      "messages": [{"id": f"wamid.STANDIN{n:06d}"}]})
        return web.json_response({"recipient_id": body["recipient"]["id"],
                                  "message_id": f"mid.standin{n:06d}"})
