"""Reading orders: one by number, lists with keyset pagination and filters, the history.

Every query is scoped to the actor's shop; another shop's order is simply not found.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import exists, or_, select

from orders.domain.actors import Actor
from orders.domain.financial import FinancialStatus
from orders.domain.fulfillment import FulfillmentStatus
from orders.domain.roles import Permission
from orders.domain.status import OrderStatus
from orders.errors import InvalidInput
from orders.models import Order, OrderHistory, OrderLine, OrderMember, OrderTag
from orders.pagination import Page, check_limit, keyset_page
from orders.uow import UnitOfWork



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
    check_limit(limit)
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
    return await keyset_page(uow, stmt, Order, cursor, limit)


def _text_match(text: str):
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    in_lines = exists().where(OrderLine.shop_id == Order.shop_id, OrderLine.order_id == Order.id,
                              or_(OrderLine.name.ilike(pattern, escape="\\"),
                                  OrderLine.sku.ilike(pattern, escape="\\")))
    return or_(Order.number.ilike(pattern, escape="\\"),
               Order.customer_name.ilike(pattern, escape="\\"),
               Order.customer_phone.ilike(pattern, escape="\\"), in_lines)


