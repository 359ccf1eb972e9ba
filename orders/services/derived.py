"""Re-deriving the financial and fulfillment axes from their rows after a change."""
from __future__ import annotations

from orders.domain import financial, fulfillment
from orders.domain.actors import Actor
from orders.models import Order
from orders.services.recording import record
from orders.uow import UnitOfWork


def paid_and_refunded(order: Order):
    return financial.totals((p.kind, p.amount) for p in order.payments)


def refresh_financial(uow: UnitOfWork, actor: Actor, order: Order, note: str | None = None) -> bool:
    """Derive the financial status from the payment rows; record it if it changed."""
    paid, refunded = paid_and_refunded(order)
    derived = financial.derive(order.total, paid, refunded,
                               payment_requested=order.payment_requested_at is not None)
    target = financial.check(order.financial_status, derived)
    if target == order.financial_status:
        return False
    record(uow, order, actor, "financial", order.financial_status, target, note)
    order.financial_status = target
    return True


def fulfilled_by_line(order: Order) -> dict:
    done: dict = {}
    for shipment in order.fulfillments:
        for fl in shipment.lines:
            done[fl.order_line_id] = done.get(fl.order_line_id, 0) + fl.quantity
    return done


def refresh_fulfillment(uow: UnitOfWork, actor: Actor, order: Order, note: str | None = None) -> bool:
    """Derive the fulfillment status from the fulfillment rows; record it if it changed."""
    ordered = {line.id: line.quantity for line in order.lines}
    target = fulfillment.check(order.fulfillment_status,
                               fulfillment.derive(ordered, fulfilled_by_line(order)))
    if target == order.fulfillment_status:
        return False
    record(uow, order, actor, "fulfillment", order.fulfillment_status, target, note)
    order.fulfillment_status = target
    return True
