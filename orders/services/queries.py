"""Reading orders: one by number, lists with keyset pagination and filters, the history.

Every query is scoped to the actor's shop; another shop's order is simply not found.
"""
from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, exists, or_, select

from orders.domain.actors import Actor
from orders.domain.financial import FinancialStatus
from orders.domain.fulfillment import FulfillmentStatus
from orders.domain.roles import Permission
from orders.domain.status import OrderStatus
from orders.errors import InvalidInput
from orders.models import Order, OrderHistory, OrderLine, OrderMember, OrderTag
from orders.uow import UnitOfWork

MAX_LIMIT = 100


@dataclass
class OrderFilter:
    status: str | list[str] | None = None
    financial_status: str | None = None
    fulfillment_status: str | None = None
    customer_id: uuid.UUID | None = None
    conversation_id: uuid.UUID | None = None
    tag: str | None = None
    assigned_to: uuid.UUID | None = None
    text: str | None = None   # part of the number, customer name/phone, or a product name/sku
    include_deleted: bool = False


def _check_values(f: OrderFilter) -> None:
    """An unknown status is a mistake to point out, not a filter that quietly matches nothing."""
    statuses = [f.status] if isinstance(f.status, str) else list(f.status or [])
    for axis, values, allowed in (("status", statuses, OrderStatus),
                                  ("financial_status", [f.financial_status], FinancialStatus),
                                  ("fulfillment_status", [f.fulfillment_status], FulfillmentStatus)):
        for value in values:
            if value and value not in set(allowed):
                raise InvalidInput(f"{axis} must be one of {', '.join(allowed)}; "
                                   f"{value!r} is not.")


@dataclass
class Page:
    items: list[Order] = field(default_factory=list)
    next_cursor: str | None = None


async def get_order(uow: UnitOfWork, actor: Actor, number: str) -> Order:
    actor.require(Permission.READ)
    async with uow.reading():
        return await uow.orders.get(actor.shop_id, number)


async def order_history(uow: UnitOfWork, actor: Actor, number: str) -> list[OrderHistory]:
    actor.require(Permission.READ)
    async with uow.reading():
        order = await uow.orders.get(actor.shop_id, number, include_deleted=True)
        return await uow.history.for_order(order)


async def list_orders(uow: UnitOfWork, actor: Actor, filters: OrderFilter | None = None, *,
                      cursor: str | None = None, limit: int = 50) -> Page:
    """Newest first, `limit` at a time; pass `next_cursor` back for the next page."""
    actor.require(Permission.READ)
    f = filters or OrderFilter()
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}.")
    _check_values(f)
    stmt = select(Order).where(Order.shop_id == actor.shop_id)
    if not f.include_deleted:
        stmt = stmt.where(Order.deleted_at.is_(None))
    if f.status:
        stmt = stmt.where(Order.status.in_([f.status] if isinstance(f.status, str) else f.status))
    if f.financial_status:
        stmt = stmt.where(Order.financial_status == f.financial_status)
    if f.fulfillment_status:
        stmt = stmt.where(Order.fulfillment_status == f.fulfillment_status)
    if f.customer_id:
        stmt = stmt.where(Order.customer_id == f.customer_id)
    if f.conversation_id:
        stmt = stmt.where(Order.conversation_id == f.conversation_id)
    if f.tag:
        stmt = stmt.where(exists().where(OrderTag.shop_id == Order.shop_id,
                                         OrderTag.order_id == Order.id, OrderTag.tag == f.tag))
    if f.assigned_to:
        stmt = stmt.where(exists().where(OrderMember.shop_id == Order.shop_id,
                                         OrderMember.order_id == Order.id,
                                         OrderMember.member_id == f.assigned_to))
    if f.text and f.text.strip():
        stmt = stmt.where(_text_match(f.text.strip()))
    if cursor:
        created_at, order_id = decode_cursor(cursor)
        stmt = stmt.where(or_(Order.created_at < created_at,
                              and_(Order.created_at == created_at, Order.id < order_id)))
    stmt = stmt.order_by(Order.created_at.desc(), Order.id.desc()).limit(limit + 1)
    async with uow.reading():
        rows = list(await uow.session.scalars(stmt))
    page = Page(items=rows[:limit])
    if len(rows) > limit:
        page.next_cursor = encode_cursor(rows[limit - 1])
    return page


def _text_match(text: str):
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    in_lines = exists().where(OrderLine.shop_id == Order.shop_id, OrderLine.order_id == Order.id,
                              or_(OrderLine.name.ilike(pattern, escape="\\"),
                                  OrderLine.sku.ilike(pattern, escape="\\")))
    return or_(Order.number.ilike(pattern, escape="\\"),
               Order.customer_name.ilike(pattern, escape="\\"),
               Order.customer_phone.ilike(pattern, escape="\\"), in_lines)


def encode_cursor(order: Order) -> str:
    raw = json.dumps({"c": order.created_at.isoformat(), "i": str(order.id)})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(raw["c"]), uuid.UUID(raw["i"])
    except (ValueError, KeyError, TypeError):
        raise InvalidInput("That page cursor is not valid; start again from the first page.") from None
