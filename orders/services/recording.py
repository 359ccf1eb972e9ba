"""What every change leaves behind, in its own transaction: a history row, and for changes the
customer can see, an outbox row for the dispatcher to send after commit."""
from __future__ import annotations

from typing import Any

from orders.db import utcnow
from orders.domain.actors import Actor
from orders.models import Order
from orders.uow import UnitOfWork


def record(uow: UnitOfWork, order: Order, actor: Actor, axis: str, from_value: Any,
           to_value: Any, note: str | None = None) -> None:
    uow.history.add(order, axis, from_value, to_value, actor_id=actor.member_id, note=note)


def touch(order: Order) -> None:
    """Every change bumps the version (optimistic lock) and updated_at."""
    order.version += 1
    order.updated_at = utcnow()


def notify_customer(uow: UnitOfWork, order: Order, kind: str, **facts: Any) -> None:
    """Queue a customer notice ("your order ORD-00042 has shipped") for after commit."""
    contact = order.customer_contact or {}
    recipient = (contact.get("external_id") or order.customer_phone
                 or (f"customer:{order.customer_id}" if order.customer_id else f"order:{order.id}"))
    payload = {"order_id": str(order.id), "order_number": order.number, "status": order.status,
               "financial_status": order.financial_status,
               "fulfillment_status": order.fulfillment_status, "total": str(order.total),
               "currency": order.currency,
               "conversation_id": str(order.conversation_id) if order.conversation_id else None,
               "customer_id": str(order.customer_id) if order.customer_id else None, **facts}
    uow.outbox.add(order.shop_id, kind, str(recipient), payload, channel=contact.get("channel"),
                   idempotency_key=f"order:{order.id}:{kind}:v{order.version}")
