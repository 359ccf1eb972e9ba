"""The seller HTTP API under /api/v1, through the real app on both backends.

Shops, members and orders come from the factories; drafts from customer messages put into the
inbox and turned into drafts by the worker (the same path a webhook takes).
"""
from __future__ import annotations

import itertools
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from ingestion import inbox
from ingestion.inbox import IncomingMessage
from orders.models import Order, Payment, Product
from orders.services.editing import attach_documents

API = "/api/v1"
_events = itertools.count(1)


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def member(make, shop, role: str, name: str | None = None) -> dict[str, str]:
    await make.member(shop, role, name=name)
    return bearer(make.last_token)


async def say(pizzeria, text: str, sender: str) -> None:
    """A customer message into the inbox, then the worker makes (or amends) the draft."""
    message = {"kind": "text", "sender": sender, "chat": sender, "sender_name": "Ana",
               "text": text}
    async with pizzeria.db.uow() as uow:
        await inbox.store(uow.session, [IncomingMessage(
            pizzeria.shop.id, "telegram", f"api-{next(_events)}", "text", message)])
        await uow.commit()
    await pizzeria.drain()


async def a_draft(client, pizzeria, headers, text: str = "2 pizzas and a coke",
                  sender: str | None = None) -> dict[str, Any]:
    await say(pizzeria, text, sender or f"cust-{uuid.uuid4().hex[:6]}")
    page = await (await client.get(f"{API}/drafts?status=pending_review&limit=1",
                                   headers=headers)).json()
    return page["items"][0]


@pytest.fixture
async def seller(make, pizzeria) -> dict[str, str]:
    return await member(make, pizzeria.shop, "agent", "Dana")


@pytest.fixture
async def manager(make, pizzeria) -> dict[str, str]:
    return await member(make, pizzeria.shop, "manager", "Mia")


@pytest.fixture
async def candles(make, pizzeria) -> Product:
    """A product whose stock is tracked, so restocks show."""
    return await make.product(pizzeria.shop, sku="CANDLE", name="candle", price="4.00", stock=10)


async def stock_of(db, product_id) -> int:
    async with db.uow() as uow:
        return await uow.session.scalar(select(Product.stock).where(Product.id == product_id))


async def count(db, model) -> int:
    async with db.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model))


# Authentication -------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, bearer("luigis.not-a-token"), bearer("nonsense"),
                                     {"Authorization": "Basic abc"}])
async def test_no_valid_token_gets_401(client, headers):
    for path in ("/drafts", "/orders", "/orders/ORD-00001"):
        resp = await client.get(API + path, headers=headers)
        assert resp.status == 401, path
        assert "token" in (await resp.json())["error"]
    resp = await client.post(f"{API}/orders/ORD-00001/refunds", json={"amount": "x"},
                             headers=headers)
    assert resp.status == 401


# Drafts ---------------------------------------------------------------------------------------

async def test_draft_list_and_one_draft_show_lines_customer_and_confidence(client, pizzeria,
                                                                           seller):
    await say(pizzeria, "2 pizzas and a coke, my number is +1 415 555 0123", "cust-a")
    resp = await client.get(f"{API}/drafts?status=pending_review", headers=seller)
    assert resp.status == 200
    page = await resp.json()
    assert page["next_cursor"] is None and len(page["items"]) == 1
    draft = page["items"][0]
    assert draft["status"] == "pending_review" and 0 < draft["confidence"] <= 1
    assert {(l["sku"], l["quantity"]) for l in draft["lines"]} == {("PIZZA", 2), ("COKE", 1)}
    assert all(isinstance(l["quantity"], int) and "options" in l and "confidence" in l
               for l in draft["lines"])
    assert "customer" in draft and draft["created_at"]
    one = await client.get(f"{API}/drafts/{draft['id']}", headers=seller)
    assert one.status == 200 and (await one.json())["id"] == draft["id"]
    assert (await (await client.get(f"{API}/drafts?status=approved",
                                    headers=seller)).json())["items"] == []


async def test_approve_answers_the_order_and_the_draft_shows_who(client, pizzeria, seller):
    draft = await a_draft(client, pizzeria, seller)
    resp = await client.post(f"{API}/drafts/{draft['id']}/approve", headers=seller)
    assert resp.status == 200
    order = await resp.json()
    assert order["draft_id"] == draft["id"] and order["number"].startswith("ORD-")
    for key in ("id", "status", "financial_status", "fulfillment_status", "lines", "total",
                "currency", "version", "created_at"):
        assert key in order
    decided = await (await client.get(f"{API}/drafts/{draft['id']}", headers=seller)).json()
    assert decided["status"] == "approved" and decided["decided_by"] == "Dana"
    assert decided["order_number"] == order["number"]


async def test_second_approval_gets_409_with_who_when_and_the_order(client, make, pizzeria,
                                                                   seller):
    other = await member(make, pizzeria.shop, "agent", "Omar")
    draft = await a_draft(client, pizzeria, seller)
    first = await (await client.post(f"{API}/drafts/{draft['id']}/approve", headers=seller)).json()
    resp = await client.post(f"{API}/drafts/{draft['id']}/approve", headers=other)
    assert resp.status == 409
    body = await resp.json()
    assert body["decided_by"] == "Dana" and body["decided_at"]
    assert body["order_number"] == first["number"] and body["status"] == "approved"
    assert "Already approved by Dana" in body["error"]
    assert await count(pizzeria.db, Order) == 1


async def test_reject_keeps_the_reason_and_refuses_a_later_approval(client, pizzeria, seller):
    draft = await a_draft(client, pizzeria, seller)
    resp = await client.post(f"{API}/drafts/{draft['id']}/reject", json={"reason": "closed"},
                             headers=seller)
    assert resp.status == 200
    body = await resp.json()
    assert body["status"] == "rejected" and body["reason"] == "closed"
    assert body["decided_by"] == "Dana"
    again = await client.post(f"{API}/drafts/{draft['id']}/approve", headers=seller)
    assert again.status == 409 and (await again.json())["status"] == "rejected"


async def test_viewer_may_read_but_not_approve(client, make, pizzeria, seller):
    viewer = await member(make, pizzeria.shop, "viewer")
    draft = await a_draft(client, pizzeria, seller)
    assert (await client.get(f"{API}/drafts/{draft['id']}", headers=viewer)).status == 200
    for action in ("approve", "reject"):
        resp = await client.post(f"{API}/drafts/{draft['id']}/{action}", headers=viewer)
        assert resp.status == 403
        assert "viewer" in (await resp.json())["error"]
    assert await count(pizzeria.db, Order) == 0


async def test_another_shops_draft_and_unknown_ids_are_404(client, make, pizzeria, seller):
    draft = await a_draft(client, pizzeria, seller)
    stranger = await member(make, await make.shop(), "admin")
    for path in (f"/drafts/{draft['id']}", f"/drafts/{uuid.uuid4()}", "/drafts/not-a-uuid"):
        assert (await client.get(API + path, headers=stranger)).status == 404, path
    resp = await client.post(f"{API}/drafts/{draft['id']}/approve", headers=stranger)
    assert resp.status == 404
    assert (await (await client.get(f"{API}/drafts", headers=stranger)).json())["items"] == []
    assert await count(pizzeria.db, Order) == 0


async def test_draft_pages_follow_the_cursor(client, pizzeria, seller):
    for n in range(5):
        await say(pizzeria, f"{n + 1} pizzas", f"cust-page-{n}")
    seen, cursor = [], None
    for _ in range(3):
        url = f"{API}/drafts?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = await (await client.get(url, headers=seller)).json()
        seen += [d["id"] for d in page["items"]]
        cursor = page["next_cursor"]
    assert cursor is None and len(seen) == len(set(seen)) == 5


# Orders ---------------------------------------------------------------------------------------

async def test_orders_list_pages_by_cursor_and_filters_by_status(client, make, pizzeria, seller):
    actor = await make.member(pizzeria.shop, "agent")
    made = [await make.order(actor, [("PIZZA", 1)]) for _ in range(5)]
    numbers, cursor = [], None
    for _ in range(3):
        url = f"{API}/orders?limit=2" + (f"&cursor={cursor}" if cursor else "")
        resp = await client.get(url, headers=seller)
        assert resp.status == 200
        page = await resp.json()
        numbers += [o["number"] for o in page["items"]]
        cursor = page["next_cursor"]
    assert cursor is None and sorted(numbers) == sorted(o.number for o in made)
    none = await (await client.get(f"{API}/orders?status=delivered", headers=seller)).json()
    assert none == {"items": [], "next_cursor": None}


async def test_order_transition_moves_and_history_shows_it(client, make, pizzeria, seller):
    order = await make.order(await make.member(pizzeria.shop, "agent"), [("PIZZA", 2)])
    got = await (await client.get(f"{API}/orders/{order.number}", headers=seller)).json()
    assert got["number"] == order.number and got["total"] == "22.00"
    resp = await client.post(f"{API}/orders/{order.number}/transitions", headers=seller,
                             json={"to": "confirmed", "note": "ok", "version": got["version"]})
    assert resp.status == 200
    moved = await resp.json()
    assert moved["status"] == "confirmed" and moved["version"] > got["version"]
    history = await (await client.get(f"{API}/orders/{order.number}/history",
                                      headers=seller)).json()
    assert any(h["axis"] == "status" and h["to"] == "confirmed" and h["note"] == "ok"
               for h in history["items"])


async def test_stale_version_and_forbidden_move_are_409_saying_which(client, make, pizzeria,
                                                                    seller):
    order = await make.order(await make.member(pizzeria.shop, "agent"), [("PIZZA", 1)])
    url = f"{API}/orders/{order.number}/transitions"
    stale = await client.post(url, json={"to": "confirmed", "version": order.version + 5},
                              headers=seller)
    assert stale.status == 409
    body = await stale.json()
    assert body["code"] == "stale_version" and "changed by someone else" in body["error"]
    forbidden = await client.post(url, json={"to": "delivered"}, headers=seller)
    assert forbidden.status == 409
    body = await forbidden.json()
    assert body["code"] == "invalid_transition" and body["to"] == "delivered"
    assert "Cannot move" in body["error"]
    after = await (await client.get(f"{API}/orders/{order.number}", headers=seller)).json()
    assert after["status"] == order.status and after["version"] == order.version


async def test_payment_then_refund_with_restock(client, make, pizzeria, manager, candles):
    agent = await make.member(pizzeria.shop, "agent")
    order = await make.order(agent, [("CANDLE", 3)])
    assert await stock_of(pizzeria.db, candles.id) == 7
    paid = await client.post(f"{API}/orders/{order.number}/payments", headers=manager,
                             json={"amount": "12.00", "method": "cash"})
    assert paid.status == 200 and (await paid.json())["financial_status"] == "paid"
    line_id = (await paid.json())["lines"][0]["id"]
    early = await client.post(f"{API}/orders/{order.number}/refunds", headers=manager,
                              json={"amount": "8.00"})
    assert early.status == 409 and "cancel it first" in (await early.json())["error"]
    # refunds follow delivery (or a cancellation), seed 000
    await attach_documents(pizzeria.db.uow(), agent, order.number, invoice_url="i", label_url="l")
    for to in ("confirmed", "packed", "shipped", "delivered"):
        moved = await client.post(f"{API}/orders/{order.number}/transitions", headers=manager,
                                  json={"to": to})
        assert moved.status == 200, to
    resp = await client.post(f"{API}/orders/{order.number}/refunds", headers=manager,
                             json={"amount": "8.00", "restock": [{"line_id": line_id,
                                                                 "quantity": 2}]})
    assert resp.status == 200
    assert (await resp.json())["financial_status"] == "partially_refunded"
    assert await stock_of(pizzeria.db, candles.id) == 9


async def test_agent_may_not_refund(client, make, pizzeria, seller, manager):
    order = await make.order(await make.member(pizzeria.shop, "agent"), [("PIZZA", 1)])
    await client.post(f"{API}/orders/{order.number}/payments", headers=manager,
                      json={"amount": "11.00"})
    resp = await client.post(f"{API}/orders/{order.number}/refunds", headers=seller,
                             json={"amount": "11.00"})
    assert resp.status == 403 and "agent" in (await resp.json())["error"]
    paid = await client.post(f"{API}/orders/{order.number}/payments", headers=seller,
                             json={"amount": "1.00"})
    assert paid.status == 403


async def test_fulfillment_of_a_confirmed_order(client, make, pizzeria, seller):
    order = await make.order(await make.member(pizzeria.shop, "agent"), [("PIZZA", 2)])
    await client.post(f"{API}/orders/{order.number}/transitions", json={"to": "confirmed"},
                      headers=seller)
    resp = await client.post(f"{API}/orders/{order.number}/fulfillments", headers=seller,
                             json={"carrier": "UPS", "tracking_number": "1Z999"})
    assert resp.status == 200
    assert (await resp.json())["fulfillment_status"] == "fulfilled"


async def test_another_shops_order_and_unknown_numbers_are_404(client, make, pizzeria, seller):
    ours = await make.member(pizzeria.shop, "agent")
    await make.order(ours, [("PIZZA", 1)])
    mine = await make.order(ours, [("PIZZA", 1)])  # numbers are per shop: theirs is ORD-00001
    other_shop = await make.shop()
    await make.product(other_shop, sku="PIZZA")
    theirs = await make.order(await make.member(other_shop, "agent"), [("PIZZA", 1)])
    stranger = bearer(make.last_token)
    for path in (f"/orders/{mine.number}", f"/orders/{mine.number}/history", "/orders/ORD-99999"):
        resp = await client.get(API + path, headers=stranger)
        assert resp.status == 404, path
    resp = await client.post(f"{API}/orders/{mine.number}/transitions", headers=stranger,
                             json={"to": "confirmed"})
    assert resp.status == 404
    listed = await (await client.get(f"{API}/orders", headers=stranger)).json()
    assert [o["number"] for o in listed["items"]] == [theirs.number]


@pytest.mark.parametrize("path,body,field", [
    ("refunds", {"amount": "lots"}, "amount"),
    ("refunds", {"amount": "1.00", "restock": [{"line_id": "nope", "quantity": 1}]},
     "restock.0.line_id"),
    ("refunds", {"amount": "1.00", "restock": [{"line_id": str(uuid.uuid4()), "quantity": 0}]},
     "restock.0.quantity"),
    ("payments", {}, "amount"),
    ("payments", {"amount": -5}, "amount"),
    ("transitions", {"note": "no target"}, "to"),
    ("transitions", {"to": "confirmed", "version": "two"}, "version"),
    ("transitions", {"to": "confirmed", "surprise": 1}, "surprise"),
    ("fulfillments", {"lines": "all"}, "lines"),
])
async def test_bad_bodies_are_400_naming_the_field_and_change_nothing(client, make, pizzeria,
                                                                      manager, path, body,
                                                                      field):
    order = await make.order(await make.member(pizzeria.shop, "agent"), [("PIZZA", 1)])
    resp = await client.post(f"{API}/orders/{order.number}/{path}", json=body, headers=manager)
    assert resp.status == 400
    answer = await resp.json()
    assert answer["fields"] and answer["error"].startswith("Invalid body")
    assert field in [f["field"] for f in answer["fields"]] and field in answer["error"]
    after = await (await client.get(f"{API}/orders/{order.number}", headers=manager)).json()
    assert after["version"] == order.version and after["status"] == order.status
    assert await count(pizzeria.db, Payment) == 0


async def test_not_json_and_bad_query_are_400(client, make, pizzeria, manager):
    order = await make.order(await make.member(pizzeria.shop, "agent"), [("PIZZA", 1)])
    resp = await client.post(f"{API}/orders/{order.number}/payments", data=b"{amount: 1",
                             headers={**manager, "Content-Type": "application/json"})
    assert resp.status == 400 and "JSON" in (await resp.json())["error"]
    for query in ("limit=0", "limit=abc", "cursor=garbage!", "status=bogus"):
        resp = await client.get(f"{API}/drafts?{query}", headers=manager)
        assert resp.status == 400, query
    assert (await client.get(f"{API}/orders?limit=500", headers=manager)).status == 400
    assert (await client.get(f"{API}/orders?cursor=zzz", headers=manager)).status == 400
    bogus = await client.get(f"{API}/orders?status=bogus", headers=manager)
    assert bogus.status == 400 and "status must be one of" in (await bogus.json())["error"]


# OpenAPI --------------------------------------------------------------------------------------

async def test_openapi_lists_every_route_and_its_schemas_resolve(client):
    from bot.api.routes import ROUTES

    resp = await client.get(f"{API}/openapi.json")
    assert resp.status == 200
    doc = await resp.json()
    assert doc["openapi"].startswith("3.1")
    for route in ROUTES:
        assert route.method.lower() in doc["paths"][API + route.path], route.path
    schemas = doc["components"]["schemas"]

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = list(refs(doc))
    assert found
    for ref in found:
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas, ref
    refund = doc["paths"][f"{API}/orders/{{number}}/refunds"]["post"]
    ref = refund["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert {"amount", "restock"} <= set(schemas[ref.rsplit("/", 1)[1]]["properties"])


def test_money_in_bodies_is_decimal():
    from bot.api.schemas import RefundBody

    assert RefundBody.model_validate({"amount": "1.10"}).amount == Decimal("1.10")


async def test_approval_that_runs_out_of_stock_is_409_with_the_reason(client, make, pizzeria,
                                                                     seller, candles):
    await make.order(await make.member(pizzeria.shop, "agent"), [("CANDLE", 9)])
    draft = await a_draft(client, pizzeria, seller, "3 candles")
    assert [(l["sku"], l["quantity"]) for l in draft["lines"]] == [("CANDLE", 3)]
    resp = await client.post(f"{API}/drafts/{draft['id']}/approve", headers=seller)
    assert resp.status == 409
    body = await resp.json()
    assert body["code"] == "approval_failed" and "candle" in body["reason"]
    still = await (await client.get(f"{API}/drafts/{draft['id']}", headers=seller)).json()
    assert still["status"] == "pending_review" and still["order_number"] is None
    assert await stock_of(pizzeria.db, candles.id) == 1


async def test_two_sellers_approving_at_once_make_one_order(client, make, pizzeria, seller):
    import asyncio

    other = await member(make, pizzeria.shop, "agent", "Omar")
    draft = await a_draft(client, pizzeria, seller)
    url = f"{API}/drafts/{draft['id']}/approve"
    answers = await asyncio.gather(client.post(url, headers=seller), client.post(url, headers=other))
    assert sorted(r.status for r in answers) == [200, 409]
    assert await count(pizzeria.db, Order) == 1


async def test_viewer_may_not_move_an_order_and_unknown_api_paths_answer_json(client, make,
                                                                             pizzeria):
    order = await make.order(await make.member(pizzeria.shop, "agent"), [("PIZZA", 1)])
    viewer = await member(make, pizzeria.shop, "viewer")
    resp = await client.post(f"{API}/orders/{order.number}/transitions", headers=viewer,
                             json={"to": "confirmed"})
    assert resp.status == 403 and (await resp.json())["code"] == "forbidden"
    missing = await client.get(f"{API}/nothing-here", headers=viewer)
    assert missing.status == 404 and "error" in await missing.json()
