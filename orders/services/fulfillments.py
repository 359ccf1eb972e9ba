"""Fulfillments: recording which units of which lines left the shop."""
from __future__ import annotations

import uuid
from collections.abc import Mapping

from orders.db import new_id
from orders.domain import fulfillment
from orders.domain.actors import Actor
from orders.domain.roles import Permission
from orders.models import Fulfillment, FulfillmentLine, Order
from orders.services.access import order_for_change
from orders.services.derived import fulfilled_by_line, refresh_fulfillment
from orders.services.recording import notify, record, touch
from orders.uow import UnitOfWork


async def fulfill_order(uow: UnitOfWork, actor: Actor, number: str,
                        lines: Mapping[uuid.UUID, int] | None = None, *,
                        carrier: str | None = None, tracking_number: str | None = None,
                        tracking_url: str | None = None,
                        expected_version: int | None = None) -> Order:
    """Record a shipment of `lines` ({line id: units}; None = everything not yet fulfilled)."""
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.FULFILL, expected_version)
        record_shipment(uow, actor, order, lines, carrier=carrier,
                        tracking_number=tracking_number, tracking_url=tracking_url)
        await uow.commit()
    return order


def record_shipment(uow: UnitOfWork, actor: Actor, order: Order,
                    lines: Mapping[uuid.UUID, int] | None = None, *, carrier: str | None = None,
                    tracking_number: str | None = None, tracking_url: str | None = None,
                    tell: bool = True) -> None:
    """The shipment itself, on a locked order in an open unit of work (no commit). `tell`
    False: the caller's own notice carries the tracking (shipping the order does)."""
    fulfillment.ensure_can_fulfill(order.status, order.number)
    ordered = {line.id: line.quantity for line in order.lines}
    done = fulfilled_by_line(order)
    wanted = dict(lines) if lines is not None else {
        line_id: qty - done.get(line_id, 0) for line_id, qty in ordered.items()
        if qty > done.get(line_id, 0)}
    fulfillment.ensure_quantities(ordered, done, wanted,
                                  {line.id: line.name for line in order.lines})
    shipment = Fulfillment(id=new_id(), shop_id=order.shop_id, order_id=order.id,
                           carrier=carrier, tracking_number=tracking_number,
                           tracking_url=tracking_url, created_by=actor.member_id)
    shipment.lines = [FulfillmentLine(id=new_id(), shop_id=order.shop_id, order_line_id=line_id,
                                      quantity=qty) for line_id, qty in wanted.items()]
    order.fulfillments.append(shipment)
    touch(order)
    record(uow, order, actor, "shipment", None, tracking_number or "recorded",
           "; ".join(f"{q} x {_sku(order, l)}" for l, q in wanted.items()))
    refresh_fulfillment(uow, actor, order)
    if tell:
        notify(uow, order, "fulfillment.created", carrier=carrier,
               tracking_number=tracking_number, tracking_url=tracking_url)


def _sku(order: Order, line_id: uuid.UUID) -> str:
    return next(line.sku for line in order.lines if line.id == line_id)
