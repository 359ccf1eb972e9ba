"""Loading an order for a change: permission first, then the row lock, then the version check."""
from __future__ import annotations

from orders.domain.actors import Actor
from orders.domain.roles import Permission
from orders.errors import StaleVersion
from orders.models import Order
from orders.uow import UnitOfWork


async def order_for_change(uow: UnitOfWork, actor: Actor, number: str, permission: Permission,
                           expected_version: int | None = None) -> Order:
    """The actor's shop's order `number`, row-locked for this transaction.

    Another shop's order is simply not found. `expected_version` (what the seller saw) must
    still be current, or the change is refused with StaleVersion.
    """
    actor.require(permission)
    order = await uow.orders.get(actor.shop_id, number, lock=True)
    if expected_version is not None and order.version != expected_version:
        raise StaleVersion(order.number, expected_version, order.version)
    return order
