"""Customers: found by their channel identity, or made the first time they order; linked to a
quote they claim; and the only ones who may act on their own orders."""
from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import select

from orders.db import new_id
from orders.errors import CustomerNotFound, OrderNotFound
from orders.models import Customer, CustomerIdentity, Order
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


async def link_customer(uow: UnitOfWork, order: Order, customer_id: uuid.UUID) -> None:
    """Make `customer_id` the order's customer and fill the contact snapshot from them, so notices
    reach the chat they write from (their latest identity) without overwriting what the seller typed."""
    customer = await uow.customers.get(order.shop_id, customer_id)
    if customer is None:
        raise CustomerNotFound(customer_id)
    identity = await uow.session.scalar(
        select(CustomerIdentity).where(CustomerIdentity.shop_id == order.shop_id,
                                       CustomerIdentity.customer_id == customer.id)
        .order_by(CustomerIdentity.created_at.desc()).limit(1))
    order.customer_id = customer.id
    order.customer_name = order.customer_name or customer.name
    order.customer_phone = order.customer_phone or customer.phone
    order.address = order.address or customer.address
    contact = {**(order.customer_contact or {}), "name": order.customer_name,
               "phone": order.customer_phone, "address": order.address}
    if identity is not None and not contact.get("external_id"):
        contact |= {"channel": identity.channel, "external_id": identity.external_id}
    order.customer_contact = contact


async def customer_order(uow: UnitOfWork, shop_id: uuid.UUID, customer_id: uuid.UUID,
                         number: str) -> Order:
    """The customer's own order, row-locked; anyone else's is simply not found."""
    order = await uow.orders.get(shop_id, number, lock=True)
    if order.customer_id != customer_id:
        raise OrderNotFound(number)
    return order
