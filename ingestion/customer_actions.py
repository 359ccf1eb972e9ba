"""What a customer's buttons and words do to their own orders, whatever the channel:

    answer = await customer_action(uow, shop_id, customer_id, "qa", order_id)   # accept a quote
    answer = await claim_by_code(uow, shop_id, customer_id, "123-4567-890")
    answer = await says_paid(uow, shop_id, customer_id)      # latest order with an open request
    answer.intent, answer.facts      # a `customer.reply` intent and what its text names

Actions: "qa" accept the quote, "rc" received it (delivered -> completed), "ip" I paid. Every
outcome, refusals included, is an `Answer` for the chat adapter to say; nothing here raises to
the platform. `uow` is either closed (the services open and commit it) or the caller's open
unit of work (the inbox worker's): then the services' work joins that transaction in a
savepoint, so the inbox row and its effects commit together and a refusal undoes only itself.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from orders.domain import claim_codes
from orders.errors import AlreadyClaimed, ClaimCodeNotFound, InvalidInput, NotFound, OrderCoreError
from orders.models import Order
from orders.services.completion import confirm_received
from orders.services.payment_requests import customer_says_paid
from orders.services.quotes import accept_quote, claim_quote
from orders.uow import UnitOfWork

ACCEPT, RECEIVED, PAID = "qa", "rc", "ip"
SERVICES = {ACCEPT: accept_quote, RECEIVED: confirm_received, PAID: customer_says_paid}
DONE = {ACCEPT: "quote_accepted", RECEIVED: "received", PAID: "paid"}
# A claim code inside a message ("my code is 123-4567-890", "123 4567 890"). Ten bare digits
# are also a phone number, so they count only as the whole message and only for an open quote.
CODE_IN_TEXT = re.compile(r"(?<![\d+])\d{3}([-\s])\d{4}\1\d{3}(?![\d-])")
BARE_CODE = re.compile(r"^\s*(?:/start(?:@\w+)?\s+)?(\d{10})\s*$")


@dataclass(frozen=True)
class Answer:
    """What to tell the customer: a `customer.reply` intent and the facts its text names."""

    intent: str
    facts: dict[str, Any] = field(default_factory=dict)
    done: bool = False


def code_in(text: str) -> tuple[str, bool] | None:
    """(the claim code a message carries, normalized; whether it may be a phone number)."""
    found = CODE_IN_TEXT.search(text or "")
    bare = None if found else BARE_CODE.match(text or "")
    try:
        if found:
            return claim_codes.normalize(found.group(0)), False
        return (claim_codes.normalize(bare.group(1)), True) if bare else None
    except InvalidInput:
        return None


async def customer_action(uow: UnitOfWork, shop_id: uuid.UUID, customer_id: uuid.UUID,
                          action: str, order_id: uuid.UUID) -> Answer:
    """A customer's tap on one of their order's buttons."""
    if action not in SERVICES:
        return Answer("action_refused")
    work = _Joined(uow) if uow.active else uow
    async with work.reading():
        found = (await work.session.execute(select(Order.number, Order.status).where(
            Order.shop_id == shop_id, Order.id == order_id, Order.customer_id == customer_id,
            Order.deleted_at.is_(None)))).first()
    if found is None:
        return Answer("order_not_found")
    try:
        order = await SERVICES[action](work, shop_id, customer_id, found.number)
    except NotFound:
        return Answer("order_not_found", {"order_number": found.number})
    except OrderCoreError as exc:  # not a quote any more, not delivered yet, nothing to pay...
        return Answer("action_refused", {"order_number": found.number, "status": found.status,
                                         "reason": str(exc)})
    return Answer(DONE[action], _facts(order), done=True)


async def says_paid(uow: UnitOfWork, shop_id: uuid.UUID, customer_id: uuid.UUID) -> Answer:
    """ "I paid" in words: for the customer's latest order with an open payment request."""
    work = _Joined(uow) if uow.active else uow
    try:
        order = await customer_says_paid(work, shop_id, customer_id)
    except OrderCoreError:  # no open request, or nothing left to pay
        return Answer("paid_nothing_due")
    return Answer("paid", _facts(order), done=True)


async def claim_by_code(uow: UnitOfWork, shop_id: uuid.UUID, customer_id: uuid.UUID,
                        code: str, *, only_open: bool = False) -> Answer | None:
    """The customer sent a quote's claim code. A first claim is answered by the order's own
    notice (`order.quote_claimed`); the same code again gets "it is yours already".
    `only_open`: None unless an open quote has the code (ten digits that may be a phone)."""
    work = _Joined(uow) if uow.active else uow
    async with work.reading():
        open_quote = await work.session.scalar(select(Order.id).where(
            Order.shop_id == shop_id, Order.claim_code == code, Order.deleted_at.is_(None)))
    if only_open and open_quote is None:
        return None
    try:
        order = await claim_quote(work, shop_id, code, customer_id)
    except ClaimCodeNotFound:
        return Answer("claim_not_found", {"code": code})
    except AlreadyClaimed:
        return Answer("claim_taken", {"code": code})
    except OrderCoreError:  # e.g. the quote was cancelled while the code was on its way
        return Answer("claim_not_found", {"code": code})
    if open_quote is not None:
        return Answer("claimed", _facts(order), done=True)  # the order's notice says it
    return Answer("claimed_again", _facts(order) | {"code": code}, done=True)


def _facts(order: Order) -> dict[str, Any]:
    return {"order_id": str(order.id), "order_number": order.number, "status": order.status}


class _Joined:
    """The caller's open unit of work, handed to a service that opens and commits its own: the
    service runs in a savepoint of the caller's transaction, and its commit only flushes."""

    def __init__(self, outer: UnitOfWork) -> None:
        self._outer = outer
        self._savepoints: list[Any] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._outer, name)

    def reading(self) -> _Joined:
        return self

    async def __aenter__(self) -> _Joined:
        self._savepoints.append(await self._outer.session.begin_nested())
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        savepoint = self._savepoints.pop()
        if exc_type is None:
            await savepoint.commit()  # released: the caller's commit makes it durable
        else:
            await savepoint.rollback()

    async def commit(self) -> None:
        await self._outer.session.flush()
