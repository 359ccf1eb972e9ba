"""What every change leaves behind, in its own transaction: a history row, and for changes someone
should hear about, an outbox row for the dispatcher to send after commit.

Who hears about what is decided by one table, `orders.domain.notifications.EVENTS`: services
call `notify(uow, order, event)` and never choose recipients themselves.
"""
from __future__ import annotations

from typing import Any

from orders.db import utcnow
from orders.domain.actors import Actor
from orders.domain.notifications import Recipient, notice_for
from orders.models import Order
from orders.uow import UnitOfWork

SELLERS = "sellers"  # outbox recipient: every seller chat of the shop (the dispatcher fans out)


def record(uow: UnitOfWork, order: Order, actor: Actor, axis: str, from_value: Any,
           to_value: Any, note: str | None = None) -> None:
    uow.history.add(order, axis, from_value, to_value, actor_id=actor.member_id, note=note)


def touch(order: Order) -> None:
    """Every change bumps the version (optimistic lock) and updated_at."""
    order.version += 1
    order.updated_at = utcnow()


def notify(uow: UnitOfWork, order: Order, event: str, *, key: str | None = None,
           **facts: Any) -> None:
    """Queue what `event` sends, to whom the notifications table says (nothing for a silent one).

    `key` names the message when the order's version does not (a sweep's reminder)."""
    notice = notice_for(event)
    if notice is None:
        return
    if notice.recipient is Recipient.SELLERS:
        payload = {**order_facts(order), "event": event,
                   "customer_name": order.customer_name, **facts}
        uow.outbox.add(order.shop_id, notice.kind, SELLERS, payload,
                       idempotency_key=key or f"order:{order.id}:{notice.kind}:v{order.version}")
        return
    notify_customer(uow, order, notice.kind, _key=key, event=event, **facts)


def order_facts(order: Order) -> dict[str, Any]:
    return {"order_id": str(order.id), "order_number": order.number, "status": order.status,
            "financial_status": order.financial_status,
            "fulfillment_status": order.fulfillment_status, "total": str(order.total),
            "currency": order.currency,
            "conversation_id": str(order.conversation_id) if order.conversation_id else None,
            "customer_id": str(order.customer_id) if order.customer_id else None}


def notify_customer(uow: UnitOfWork, order: Order, kind: str, *, _key: str | None = None,
                    **facts: Any) -> None:
    """Queue a customer notice ("your order ORD-00042 has shipped") for after commit."""
    contact = order.customer_contact or {}
    recipient = (contact.get("external_id") or order.customer_phone
                 or (f"customer:{order.customer_id}" if order.customer_id else f"order:{order.id}"))
    payload = {**order_facts(order), **facts}
    uow.outbox.add(order.shop_id, kind, str(recipient), payload, channel=contact.get("channel"),
                   idempotency_key=_key or f"order:{order.id}:{kind}:v{order.version}")
