"""Money: recording payments, and refunds that put back only the units the seller chooses."""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import select

from orders.db import new_id
from orders.domain import financial, guards, pricing
from orders.domain import status as order_status
from orders.domain.actors import Actor
from orders.domain.financial import FinancialStatus
from orders.domain.roles import Permission
from orders.domain.status import OrderStatus
from orders.errors import InvalidInput, RuleViolation
from orders.models import Order, Payment, Restock
from orders.services.access import order_for_change
from orders.services.derived import paid_and_refunded, refresh_financial
from orders.services.lifecycle import restocked_by_line, move_order
from orders.services.recording import notify, record, touch
from orders.uow import UnitOfWork


async def record_payment(uow: UnitOfWork, actor: Actor, number: str, amount: Decimal | str, *,
                         method: str | None = None, reference: str | None = None,
                         note: str | None = None, expected_version: int | None = None) -> Order:
    """Money received. A repeated `reference` (a provider's payment id) is recorded once."""
    amount = pricing.money(amount)
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.RECORD_PAYMENT, expected_version)
        if reference and await _seen(uow, order, "payment", reference):
            return order
        if order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
            raise RuleViolation("payable", f"Order {number} is {order.status}; it takes no payments.")
        financial.ensure_payment_allowed(amount, paid_and_refunded(order)[1])
        order.payments.append(Payment(id=new_id(), shop_id=order.shop_id, order_id=order.id,
                                      kind="payment", amount=amount, method=method,
                                      reference=reference, note=note, created_by=actor.member_id))
        touch(order)
        record(uow, order, actor, "payment", None, f"{amount} {order.currency}", note or method)
        refresh_financial(uow, actor, order)
        if order.financial_status == FinancialStatus.PAID:
            order.payment_requested_at = None  # the request is answered
        notify(uow, order, "payment.received", amount=str(amount))
        await uow.commit()
    return order


async def _seen(uow: UnitOfWork, order: Order, kind: str, reference: str) -> bool:
    return bool(await uow.session.scalar(select(Payment.id).where(
        Payment.shop_id == order.shop_id, Payment.order_id == order.id, Payment.kind == kind,
        Payment.reference == reference)))


async def refund_order(uow: UnitOfWork, actor: Actor, number: str, amount: Decimal | str, *,
                       restock: Mapping[uuid.UUID, int] | None = None, note: str | None = None,
                       reference: str | None = None, expected_version: int | None = None) -> Order:
    """Give money back; put back into stock exactly the chosen line quantities (never twice).

    Only a delivered, completed or cancelled order is refunded (seed 000: a cancellation
    comes first); a delivered or completed order refunded in full becomes `refunded`.
    """
    amount, restock = pricing.money(amount), dict(restock or {})
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.REFUND, expected_version)
        order_status.ensure_refundable(order.status, order.number)
        paid, refunded = paid_and_refunded(order)
        financial.ensure_refund_allowed(amount, paid, refunded, order.currency)
        lines = _check_restock(order, restock)
        refund = Payment(id=new_id(), shop_id=order.shop_id, order_id=order.id, kind="refund",
                         amount=amount, reference=reference, note=note, created_by=actor.member_id)
        order.payments.append(refund)
        await uow.flush()  # restock rows point at the refund row
        for line in sorted(lines, key=lambda l: l.product_id):  # fixed lock order
            await uow.products.restore(order.shop_id, line.product_id, restock[line.id])
            order.restocks.append(Restock(id=new_id(), shop_id=order.shop_id, order_id=order.id,
                                          order_line_id=line.id, payment_id=refund.id,
                                          quantity=restock[line.id], reason="refund"))
        touch(order)
        record(uow, order, actor, "refund", None, f"{amount} {order.currency}", _restock_note(
            lines, restock, note))
        refresh_financial(uow, actor, order)
        if (order.status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
                and order.financial_status == FinancialStatus.REFUNDED):
            await move_order(uow, actor, order, OrderStatus.REFUNDED, "Refunded in full")
        notify(uow, order, "refund.made", amount=str(amount))
        await uow.commit()
    return order


def _check_restock(order: Order, restock: Mapping[uuid.UUID, int]) -> list:
    by_id = {line.id: line for line in order.lines}
    done = restocked_by_line(order)
    chosen = []
    for line_id, qty in restock.items():
        line = by_id.get(line_id)
        if line is None:
            raise InvalidInput(f"Line {line_id} is not part of order {order.number}.")
        if not isinstance(qty, int) or qty < 1:
            raise InvalidInput(f"Restock quantity for {line.name} must be a whole number above 0.")
        left = guards.restockable(line.reserved, done.get(line.id, 0))
        if qty > left or line.product_id is None:
            raise InvalidInput(f"Only {left} of {line.name} can still go back to stock "
                               f"({qty} asked).")
        chosen.append(line)
    return chosen


def _restock_note(lines: list, restock: Mapping[uuid.UUID, int], note: str | None) -> str | None:
    parts = [f"restocked {restock[l.id]} x {l.sku}" for l in lines]
    return "; ".join(([note] if note else []) + parts) or None
