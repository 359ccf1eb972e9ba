"""Shipping with a carrier and a tracking number (seeds 002, 003): the customer gets them when the
order ships, and again whenever the tracking number changes afterwards.

A plain `transition_order(..., "shipped")` still works (a bakery hands cakes over without
tracking); `ship_order` is the move with tracking in one transaction.
"""
from __future__ import annotations

from orders.domain.actors import Actor
from orders.domain.roles import Permission
from orders.domain.status import OrderStatus
from orders.errors import InvalidInput, RuleViolation
from orders.models import Order
from orders.services.access import order_for_change
from orders.services.fulfillments import record_shipment
from orders.services.lifecycle import move_order
from orders.services.recording import notify, record, touch
from orders.uow import UnitOfWork

TRACKABLE = (OrderStatus.CONFIRMED, OrderStatus.PACKED, OrderStatus.SHIPPED)


async def ship_order(uow: UnitOfWork, actor: Actor, number: str, carrier: str,
                     tracking_number: str, *, tracking_url: str | None = None,
                     expected_version: int | None = None, note: str | None = None) -> Order:
    """packed -> shipped with carrier and tracking number; the shipped notice carries them.
    Whatever has not been recorded as shipped yet leaves in one shipment with that tracking."""
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.MOVE_ORDER, expected_version)
        _set(uow, actor, order, carrier, tracking_number, tracking_url)
        if order.fulfillment_status != "fulfilled":
            actor.require(Permission.FULFILL)
            record_shipment(uow, actor, order, carrier=carrier, tracking_number=tracking_number,
                            tracking_url=tracking_url, tell=False)
        await move_order(uow, actor, order, OrderStatus.SHIPPED, note)
        await uow.commit()
    return order


async def set_tracking(uow: UnitOfWork, actor: Actor, number: str, carrier: str,
                       tracking_number: str, *, tracking_url: str | None = None,
                       expected_version: int | None = None) -> Order:
    """Set or change the tracking; a shipped order's customer hears the new number."""
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.FULFILL, expected_version)
        if order.status not in TRACKABLE:
            raise RuleViolation("tracking", f"Order {number} is {order.status}; tracking is set "
                                            "between confirmation and delivery.")
        changed = _set(uow, actor, order, carrier, tracking_number, tracking_url)
        if changed and order.status == OrderStatus.SHIPPED:
            notify(uow, order, "tracking.changed", carrier=order.carrier,
                   tracking_number=order.tracking_number, tracking_url=order.tracking_url)
        await uow.commit()
    return order


def _set(uow: UnitOfWork, actor: Actor, order: Order, carrier: str, tracking_number: str,
         tracking_url: str | None) -> bool:
    carrier, tracking_number = (carrier or "").strip(), (tracking_number or "").strip()
    if not carrier or not tracking_number:
        raise InvalidInput("Shipping needs a carrier and a tracking number.")
    if len(carrier) > 64 or len(tracking_number) > 128:
        raise InvalidInput("The carrier (64) or tracking number (128 characters) is too long.")
    new = (carrier, tracking_number, tracking_url)
    old = (order.carrier, order.tracking_number, order.tracking_url)
    if new == old:
        return False
    order.carrier, order.tracking_number, order.tracking_url = new
    touch(order)
    record(uow, order, actor, "tracking", _described(old[0], old[1]),
           _described(carrier, tracking_number), tracking_url)
    return True


def _described(carrier: str | None, tracking_number: str | None) -> str | None:
    return f"{carrier} {tracking_number}" if tracking_number else None
