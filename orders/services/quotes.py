"""Quotes (seed 002): a seller composes an order for a customer; a customer the shop knows gets it
directly, anyone else through a claim code `NNN-NNNN-NNN` they send to the bot.

    create_quote  (seller)    status quote; stock is NOT reserved (see domain.status.QUOTES)
    claim_quote   (customer)  quote -> claimed, customer set, code cleared; a second claimant
                              is refused (AlreadyClaimed)
    accept_quote  (customer)  a history note "customer accepted the quote", no status change;
                              the sellers are told
    a seller converts quote/claimed -> confirmed with transition_order (stock reserved then)
"""
from __future__ import annotations

import dataclasses
import uuid

from sqlalchemy import select

from orders.db import utcnow
from orders.domain import claim_codes
from orders.domain.actors import Actor
from orders.domain.status import OrderStatus, QUOTES
from orders.errors import AlreadyClaimed, ClaimCodeNotFound, RuleViolation
from orders.models import Order
from orders.services.creation import NewOrder, place_order
from orders.services.customers import customer_order, link_customer
from orders.services.lifecycle import move_order
from orders.services.recording import notify, record, touch
from orders.uow import UnitOfWork

ACCEPTED_NOTE = "customer accepted the quote"


async def create_quote(uow: UnitOfWork, actor: Actor, new: NewOrder,
                       customer_id: uuid.UUID | None = None) -> Order:
    """A quote for `customer_id` (or `new`'s customer), else with a fresh claim code."""
    if customer_id is not None:
        new = dataclasses.replace(new, customer_id=customer_id)
    async with uow:
        order = await create_quote_in(uow, actor, new)
        await uow.commit()
    return order


async def create_quote_in(uow: UnitOfWork, actor: Actor, new: NewOrder, *,
                          draft_id: uuid.UUID | None = None) -> Order:
    """The quote, INSIDE the caller's open unit of work (no commit): "Send as quote" on a draft
    card claims the draft and makes its quote in one transaction, as approval does."""
    order = await place_order(uow, actor, new, status=OrderStatus.QUOTE,
                              source="draft" if draft_id else "quote", draft_id=draft_id,
                              event=None)
    if order.customer_id is not None:
        await link_customer(uow, order, order.customer_id)
        notify(uow, order, "quote.sent")
    else:
        order.claim_code = await _unused_code(uow, actor.shop_id)
        record(uow, order, actor, "quote", None, order.claim_code, "claim code made")
    return order


async def _unused_code(uow: UnitOfWork, shop_id: uuid.UUID) -> str:
    # The unique index (shop_id, claim_code) is the guarantee; this only avoids hitting it.
    while True:
        code = claim_codes.new_code()
        if not await uow.session.scalar(select(Order.id).where(
                Order.shop_id == shop_id, Order.claim_code == code)):
            return code


async def claim_quote(uow: UnitOfWork, shop_id: uuid.UUID, code: str,
                      customer_id: uuid.UUID) -> Order:
    """The customer who sends the code gets the quote. The same customer again gets it back;
    anyone else is refused, by name of the rule, not with "no such code"."""
    code = claim_codes.normalize(code)
    async with uow:
        order = await uow.session.scalar(
            select(Order).where(Order.shop_id == shop_id, Order.claim_code == code,
                                Order.deleted_at.is_(None))
            .with_for_update(of=Order).execution_options(populate_existing=True))
        if order is None:
            return await _claimed_before(uow, shop_id, code, customer_id)
        await link_customer(uow, order, customer_id)
        order.claimed_code = code
        await move_order(uow, Actor.customer(shop_id), order, OrderStatus.CLAIMED,
                         f"claimed with code {code}")  # clears the code, tells the customer
        await uow.commit()
    return order


async def _claimed_before(uow: UnitOfWork, shop_id: uuid.UUID, code: str,
                          customer_id: uuid.UUID) -> Order:
    used = await uow.session.scalar(select(Order).where(
        Order.shop_id == shop_id, Order.claimed_code == code, Order.deleted_at.is_(None))
        .order_by(Order.created_at.desc()).limit(1))
    if used is None:
        raise ClaimCodeNotFound(code)
    if used.customer_id != customer_id:
        raise AlreadyClaimed(code, used.number)
    return used  # the same customer sent the code twice


async def accept_quote(uow: UnitOfWork, shop_id: uuid.UUID, customer_id: uuid.UUID,
                       number: str) -> Order:
    """The customer accepts their quote: a history note, no status change, the sellers told."""
    async with uow:
        order = await customer_order(uow, shop_id, customer_id, number)
        if order.status not in QUOTES:
            raise RuleViolation("accept_quote", f"Order {number} is {order.status}, not a quote "
                                                "waiting for an answer.")
        if order.quote_accepted_at is not None:
            return order  # a second tap changes nothing and tells nobody again
        order.quote_accepted_at = utcnow()
        touch(order)
        record(uow, order, Actor.customer(shop_id), "note", order.status, order.status,
               ACCEPTED_NOTE)
        notify(uow, order, "quote.accepted")
        await uow.commit()
    return order
