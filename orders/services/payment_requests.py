"""Payment requests (seeds 002, 003): a seller asks for payment, the customer is told the amount due
and the shop's payment instructions (setting `payment_instructions`); "I paid" from the customer
tells the sellers, who record the payment. Money itself only ever comes from payment rows."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from orders.db import utcnow
from orders.domain import financial
from orders.domain.actors import Actor
from orders.domain.financial import FinancialStatus
from orders.domain.roles import Permission
from orders.domain.status import QUOTES, OrderStatus
from orders.errors import OrderNotFound, RuleViolation
from orders.models import Order
from orders.services.access import order_for_change
from orders.services.customers import customer_order
from orders.services.derived import paid_and_refunded, refresh_financial
from orders.services.recording import notify, record, touch
from orders.uow import UnitOfWork

CLOSED = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)


async def request_payment(uow: UnitOfWork, actor: Actor, number: str, *,
                          note: str | None = None) -> Order:
    """Ask the customer to pay what is due: financial `awaiting_payment` while nothing is paid."""
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.RECORD_PAYMENT)
        if order.status in QUOTES or order.status in CLOSED:
            raise RuleViolation("payment_request", f"Order {number} is {order.status}; payment "
                                                   "is asked for once the shop accepted the order.")
        financial.ensure_payment_requestable(order.financial_status, order.number)
        paid, _ = paid_and_refunded(order)
        order.payment_requested_at = utcnow()
        touch(order)
        due = financial.amount_due(order.total, paid)
        record(uow, order, actor, "payment_request", None, f"{due} {order.currency}", note)
        refresh_financial(uow, actor, order, "payment requested")
        shop = await uow.shops.get(actor.shop_id)
        notify(uow, order, "payment.requested", amount_due=str(due),
               payment_instructions=(shop.settings or {}).get("payment_instructions"))
        await uow.commit()
    return order


async def withdraw_payment_request(uow: UnitOfWork, actor: Actor, number: str, *,
                                   note: str | None = None) -> Order:
    """Take the request back: `pending` again if nothing was paid; the customer is told."""
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.RECORD_PAYMENT)
        if order.payment_requested_at is None:
            raise RuleViolation("payment_request", f"Order {number} has no open payment request.")
        order.payment_requested_at = None
        touch(order)
        record(uow, order, actor, "payment_request", "open", "withdrawn", note)
        refresh_financial(uow, actor, order, "payment request withdrawn")
        notify(uow, order, "payment.request_withdrawn")
        await uow.commit()
    return order


async def customer_says_paid(uow: UnitOfWork, shop_id: uuid.UUID, customer_id: uuid.UUID,
                             number: str | None = None) -> Order:
    """The customer says they paid: the sellers are told (once per request); money is unchanged.

    Without `number`, the customer's latest order with an open payment request."""
    async with uow:
        number = number or await _awaiting(uow, shop_id, customer_id)
        order = await customer_order(uow, shop_id, customer_id, number)
        if order.status in CLOSED or order.financial_status not in financial.REQUESTABLE:
            raise RuleViolation("nothing_due", f"Order {number} has nothing left to pay.")
        said, asked = order.customer_says_paid_at, order.payment_requested_at
        if said is not None and (asked is None or said >= asked):
            return order  # the sellers already heard it for this request
        order.customer_says_paid_at = utcnow()
        touch(order)
        record(uow, order, Actor.customer(shop_id), "note", order.status, order.status,
               "customer says they paid")
        paid, _ = paid_and_refunded(order)
        notify(uow, order, "payment.customer_says_paid",
               amount_due=str(financial.amount_due(order.total, paid)))
        await uow.commit()
    return order


async def _awaiting(uow: UnitOfWork, shop_id: uuid.UUID, customer_id: uuid.UUID) -> str:
    number = await uow.session.scalar(
        select(Order.number).where(Order.shop_id == shop_id, Order.customer_id == customer_id,
                                   Order.payment_requested_at.is_not(None),
                                   Order.financial_status != FinancialStatus.PAID,
                                   Order.deleted_at.is_(None))
        .order_by(Order.payment_requested_at.desc()).limit(1))
    if number is None:
        raise OrderNotFound("awaiting payment")
    return number
