"""Production stages and the packing checklist (seed 002); the rules are in orders.domain.production.

    advance_stage   confirmed orders walk the shop's `settings.stages` one step at a time
    tick_checklist  tick an item of `settings.packing_checklist` (with a photo where asked)
    packing (transition to packed) is refused until the last stage and every tick are there
"""
from __future__ import annotations

from orders.db import utcnow
from orders.domain import production
from orders.domain.actors import Actor
from orders.domain.roles import Permission
from orders.domain.status import OrderStatus
from orders.errors import RuleViolation
from orders.models import Order
from orders.services.access import order_for_change
from orders.services.recording import notify, record, touch
from orders.uow import UnitOfWork


async def advance_stage(uow: UnitOfWork, actor: Actor, number: str, *,
                        expected_version: int | None = None, note: str | None = None) -> Order:
    """Move a confirmed order to the shop's next production stage."""
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.MOVE_ORDER, expected_version)
        _ensure_confirmed(order, "production stages")
        shop = await uow.shops.get(actor.shop_id)
        stage = production.next_stage(production.stages_of(shop.settings), order.stage,
                                      order.number)
        previous, order.stage = order.stage, stage
        touch(order)
        record(uow, order, actor, "stage", previous, stage, note)
        notify(uow, order, "stage.advanced", stage=stage, previous_stage=previous)
        await uow.commit()
    return order


async def tick_checklist(uow: UnitOfWork, actor: Actor, number: str, item: str,
                         photo_ref: str | None = None) -> Order:
    """Tick one packing-checklist item; a ticked item may be ticked again with a new photo."""
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.FULFILL)
        _ensure_confirmed(order, "the packing checklist")
        shop = await uow.shops.get(actor.shop_id)
        found = production.find_item(production.checklist_of(shop.settings), item, photo_ref)
        tick = {"by": str(actor.member_id) if actor.member_id else None,
                "at": utcnow().isoformat(), "photo": photo_ref}
        order.checklist = {**(order.checklist or {}), found.name: tick}
        touch(order)
        record(uow, order, actor, "checklist", None, found.name, photo_ref)
        notify(uow, order, "checklist.ticked")
        await uow.commit()
    return order


def _ensure_confirmed(order: Order, what: str) -> None:
    if order.status != OrderStatus.CONFIRMED:
        raise RuleViolation("production", f"Order {order.number} is {order.status}; {what} "
                                          "apply between confirmed and packed.")
