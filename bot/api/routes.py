"""The `/api/v1` handlers, and `ROUTES`, the one table both the router and OpenAPI read.

Each handler: parse with pydantic, find the actor, call one service function, answer the view.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from bot.api import schemas as s
from bot.api.auth import actor_of, unit_of_work
from bot.api.errors import BadRequest, invalid
from ingestion.drafts.queries import list_drafts, read_draft
from ingestion.drafts.service import approve_draft, reject_draft
from ingestion.errors import DraftNotFound
from orders import services
from orders.views import history_view, order_view

B = TypeVar("B", bound=BaseModel)


async def body(request: web.Request, model: type[B]) -> B:
    raw = await request.read()
    try:
        data = json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise BadRequest("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid(exc) from None


def query(request: web.Request) -> s.ListQuery:
    try:
        return s.ListQuery.model_validate(dict(request.query))
    except ValidationError as exc:
        raise invalid(exc, "query") from None


def draft_id(request: web.Request) -> uuid.UUID:
    try:
        return uuid.UUID(request.match_info["id"])
    except ValueError:
        raise DraftNotFound(request.match_info["id"]) from None


def answer(model: type[BaseModel], data: Any) -> web.Response:
    return web.json_response(model.model_validate(data).model_dump(mode="json", by_alias=True))


def order(o) -> web.Response:
    return answer(s.OrderOut, order_view(o))


# Drafts ---------------------------------------------------------------------------------------

async def get_drafts(request: web.Request) -> web.Response:
    """Drafts of the shop, newest first, optionally by status."""
    actor = await actor_of(request)
    q = query(request)
    page = await list_drafts(unit_of_work(request), actor, q.status,
                             cursor=q.cursor, limit=q.limit)
    return answer(s.DraftList, {"items": [s.DraftOut.of(d) for d in page.items],
                                "next_cursor": page.next_cursor})


async def get_draft(request: web.Request) -> web.Response:
    """One draft."""
    draft = await read_draft(unit_of_work(request), await actor_of(request), draft_id(request))
    return answer(s.DraftOut, s.DraftOut.of(draft))


async def approve(request: web.Request) -> web.Response:
    """Claim the draft: its one order, or 409 with who approved it and when."""
    approval = await approve_draft(unit_of_work(request), await actor_of(request), draft_id(request))
    return order(approval.order)


async def reject(request: web.Request) -> web.Response:
    """Reject the draft with a reason."""
    actor = await actor_of(request)
    b = await body(request, s.RejectBody)
    draft = await reject_draft(unit_of_work(request), actor, draft_id(request),
                               b.reason)
    return answer(s.DraftOut, s.DraftOut.of(draft))


# Orders ---------------------------------------------------------------------------------------

async def get_orders(request: web.Request) -> web.Response:
    """Orders of the shop, newest first, optionally by status."""
    actor = await actor_of(request)
    q = query(request)
    page = await services.list_orders(unit_of_work(request), actor,
                                      services.OrderFilter(status=q.status),
                                      cursor=q.cursor, limit=q.limit)
    return answer(s.OrderList, {"items": [order_view(o) for o in page.items],
                                "next_cursor": page.next_cursor})


async def get_order(request: web.Request) -> web.Response:
    """One order by number."""
    return order(await services.get_order(unit_of_work(request), await actor_of(request),
                                          request.match_info["number"]))


async def transition(request: web.Request) -> web.Response:
    """Move the order's status; 409 for a forbidden move or a stale version."""
    actor = await actor_of(request)
    b = await body(request, s.TransitionBody)
    return order(await services.transition_order(
        unit_of_work(request), actor, request.match_info["number"], b.to,
        expected_version=b.version, note=b.note))


async def payment(request: web.Request) -> web.Response:
    """Record money received."""
    actor = await actor_of(request)
    b = await body(request, s.PaymentBody)
    return order(await services.record_payment(
        unit_of_work(request), actor, request.match_info["number"], b.amount,
        method=b.method, reference=b.reference, note=b.note, expected_version=b.version))


async def refund(request: web.Request) -> web.Response:
    """Give money back, putting the chosen line quantities back into stock."""
    actor = await actor_of(request)
    b = await body(request, s.RefundBody)
    return order(await services.refund_order(
        unit_of_work(request), actor, request.match_info["number"], b.amount,
        restock=s.quantities(b.restock), note=b.note, reference=b.reference,
        expected_version=b.version))


async def fulfillment(request: web.Request) -> web.Response:
    """Record a shipment (some lines, or everything not yet sent)."""
    actor = await actor_of(request)
    b = await body(request, s.FulfillmentBody)
    return order(await services.fulfill_order(
        unit_of_work(request), actor, request.match_info["number"],
        s.quantities(b.lines), carrier=b.carrier, tracking_number=b.tracking_number,
        tracking_url=b.tracking_url, expected_version=b.version))


async def history(request: web.Request) -> web.Response:
    """The order's history, oldest first."""
    rows = await services.order_history(unit_of_work(request), await actor_of(request),
                                        request.match_info["number"])
    return answer(s.HistoryList, {"items": [history_view(r) for r in rows], "next_cursor": None})


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Callable[[web.Request], Awaitable[web.Response]]
    answer: type[BaseModel]
    body: type[BaseModel] | None = None
    query: bool = False


ROUTES: list[Route] = [
    Route("GET", "/drafts", get_drafts, s.DraftList, query=True),
    Route("GET", "/drafts/{id}", get_draft, s.DraftOut),
    Route("POST", "/drafts/{id}/approve", approve, s.OrderOut),
    Route("POST", "/drafts/{id}/reject", reject, s.DraftOut, s.RejectBody),
    Route("GET", "/orders", get_orders, s.OrderList, query=True),
    Route("GET", "/orders/{number}", get_order, s.OrderOut),
    Route("POST", "/orders/{number}/transitions", transition, s.OrderOut, s.TransitionBody),
    Route("POST", "/orders/{number}/payments", payment, s.OrderOut, s.PaymentBody),
    Route("POST", "/orders/{number}/refunds", refund, s.OrderOut, s.RefundBody),
    Route("POST", "/orders/{number}/fulfillments", fulfillment, s.OrderOut, s.FulfillmentBody),
    Route("GET", "/orders/{number}/history", history, s.HistoryList),
]
