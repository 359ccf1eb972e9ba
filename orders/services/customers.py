"""Customers: found by their channel identity, or made the first time they order."""
from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from orders.db import new_id
from orders.errors import CustomerNotFound
from orders.models import Customer, CustomerIdentity
from orders.uow import UnitOfWork

if TYPE_CHECKING:
    from orders.services.creation import NewOrder


async def customer_for(uow: UnitOfWork, shop_id: uuid.UUID, new: NewOrder) -> Customer | None:
    """The order's customer: the given id (in this shop), or the one behind the channel identity
    (made on first contact), or none (the order keeps only the contact snapshot)."""
    if new.customer_id is not None:
        customer = await uow.customers.get(shop_id, new.customer_id)
        if customer is None:
            raise CustomerNotFound(new.customer_id)
        return customer
    if not (new.channel and new.external_id):
        return None
    customer = await uow.customers.by_identity(shop_id, new.channel, str(new.external_id))
    if customer is None:
        customer = Customer(id=new_id(), shop_id=shop_id, name=new.customer_name,
                            phone=new.customer_phone, address=new.address)
        customer = await uow.customers.add(customer, CustomerIdentity(
            id=new_id(), channel=new.channel, external_id=str(new.external_id),
            display_name=new.customer_name))
    return customer
