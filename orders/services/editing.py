"""Changing what an order says: lines, contact, details, documents, tags, assignees, notes."""
from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from orders.domain import pricing
from orders.domain import status as order_status
from orders.domain.actors import Actor
from orders.domain.roles import Permission
from orders.errors import InvalidInput, MemberNotFound, RuleViolation
from orders.models import Order, OrderMember, OrderTag
from orders.services.access import order_for_change
from orders.services.creation import LineRequest, check_lines, build_lines
from orders.services.derived import refresh_financial
from orders.services.recording import notify, record, touch
from orders.uow import UnitOfWork

_UNSET: Any = object()
CONTACT_FIELDS = {"customer_name": "name", "customer_phone": "phone", "address": "address"}
DETAIL_FIELDS = ("note", "date_due", "form_data", "metadata")


async def replace_lines(uow: UnitOfWork, actor: Actor, number: str, lines: Sequence[LineRequest],
                        *, expected_version: int | None = None, note: str | None = None) -> Order:
    """New lines for an order not yet packed; stock follows (taken or given back per product)."""
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.EDIT_ORDER, expected_version)
        order_status.ensure_editable(order.status, order.number)
        if order.fulfillments or order.restocks:
            raise RuleViolation("lines_frozen", f"Order {number} has fulfillments or restocks; "
                                                "its lines can no longer change.")
        check_lines(lines)
        products = await uow.products.by_skus(actor.shop_id, {line.sku for line in lines})
        held: dict[uuid.UUID, int] = defaultdict(int)
        for line in order.lines:
            if line.product_id is not None:
                held[line.product_id] += line.reserved
        wanted: dict[uuid.UUID, int] = defaultdict(int)
        for line in lines:
            wanted[products[line.sku].id] += line.quantity
        by_id = {p.id: p for p in products.values()}
        holds_stock = order.status not in order_status.QUOTES  # a quote takes stock when converted
        if not holds_stock:
            wanted.clear()
        for product_id in sorted(set(held) | set(wanted)):  # fixed lock order
            delta = wanted[product_id] - held[product_id]
            if delta > 0:
                await uow.products.reserve(by_id[product_id], delta)
            elif delta < 0:
                await uow.products.restore(actor.shop_id, product_id, -delta)
        before = _describe(order)
        order.lines = build_lines(order, products, lines, reserve=holds_stock)
        order.total = sum((line.line_total for line in order.lines), pricing.money(0))
        touch(order)
        record(uow, order, actor, "lines", before, _describe(order), note)
        refresh_financial(uow, actor, order, "Total changed by an edit")
        notify(uow, order, "order.updated", change="lines")
        await uow.commit()
    return order


def _describe(order: Order) -> str:
    return "; ".join(f"{l.quantity} x {l.sku}" for l in order.lines) + f" = {order.total}"


async def update_order(uow: UnitOfWork, actor: Actor, number: str, *,
                       expected_version: int | None = None, customer_name: Any = _UNSET,
                       customer_phone: Any = _UNSET, address: Any = _UNSET, note: Any = _UNSET,
                       date_due: Any = _UNSET, form_data: Any = _UNSET,
                       metadata: Any = _UNSET) -> Order:
    """Change contact (only before packing) and details (note, due date, form data, metadata)."""
    given = {k: v for k, v in dict(customer_name=customer_name, customer_phone=customer_phone,
                                   address=address, note=note, date_due=date_due,
                                   form_data=form_data, metadata=metadata).items() if v is not _UNSET}
    if date_due not in (_UNSET, None) and not isinstance(date_due, datetime):
        raise InvalidInput("The due date must be a date and time.")
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.EDIT_ORDER, expected_version)
        if any(f in CONTACT_FIELDS for f in given):
            order_status.ensure_editable(order.status, order.number)
        elif order.status in (order_status.S.CANCELLED, order_status.S.REFUNDED):
            raise RuleViolation("editable", f"Order {number} is {order.status}; it is final.")
        changed = []
        for field, value in given.items():
            attr = "metadata_" if field == "metadata" else field
            old = getattr(order, attr)
            if old == value:
                continue
            setattr(order, attr, value)
            if field in CONTACT_FIELDS:
                order.customer_contact = {**order.customer_contact, CONTACT_FIELDS[field]: value}
            record(uow, order, actor, "edit", _text(old), _text(value), note=field)
            changed.append(field)
        if changed:
            touch(order)
            if any(f in CONTACT_FIELDS for f in changed):
                notify(uow, order, "order.updated", change="contact")
        await uow.commit()
    return order


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime) else str(value)


async def attach_documents(uow: UnitOfWork, actor: Actor, number: str, *,
                           invoice_url: str | None = None, label_url: str | None = None,
                           expected_version: int | None = None) -> Order:
    """Set the invoice and/or shipping-label URL (needed before packing)."""
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.FULFILL, expected_version)
        if order.status in order_status.TERMINAL:
            raise RuleViolation("editable", f"Order {number} is {order.status}; it is final.")
        for attr, value in (("invoice_url", invoice_url), ("label_url", label_url)):
            if value and value != getattr(order, attr):
                record(uow, order, actor, "document", getattr(order, attr), value, note=attr)
                setattr(order, attr, value)
        touch(order)
        await uow.commit()
    return order


async def tag_order(uow: UnitOfWork, actor: Actor, number: str, *, add: Iterable[str] = (),
                    remove: Iterable[str] = ()) -> Order:
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.TAG)
        current = set(order.tag_names)
        wanted = (current | {t.strip() for t in add if t.strip()}) - set(remove)
        if wanted != current:
            order.tags = [t for t in order.tags if t.tag in wanted] + [
                OrderTag(shop_id=order.shop_id, order_id=order.id, tag=t)
                for t in sorted(wanted - current)]
            record(uow, order, actor, "tags", ", ".join(sorted(current)), ", ".join(sorted(wanted)))
            touch(order)
        await uow.commit()
    return order


async def assign_members(uow: UnitOfWork, actor: Actor, number: str, *,
                         add: Iterable[uuid.UUID] = (), remove: Iterable[uuid.UUID] = ()) -> Order:
    """Assign members of the same shop (someone else's member is not found)."""
    add, remove = set(add), set(remove)
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.ASSIGN)
        members = {m.id: m for m in await uow.members.in_shop(actor.shop_id, add)}
        if missing := add - members.keys():
            raise MemberNotFound(", ".join(map(str, sorted(missing))))
        current = set(order.member_ids)
        wanted = (current | add) - remove
        if wanted != current:
            order.assignments = [a for a in order.assignments if a.member_id in wanted] + [
                OrderMember(shop_id=order.shop_id, order_id=order.id, member_id=m)
                for m in sorted(wanted - current)]
            record(uow, order, actor, "assignees", ", ".join(sorted(map(str, current))),
                   ", ".join(sorted(map(str, wanted))))
            touch(order)
        await uow.commit()
    return order


async def add_note(uow: UnitOfWork, actor: Actor, number: str, text: str) -> Order:
    """A manual history entry: status unchanged, the note kept forever (seed 003)."""
    if not text.strip():
        raise InvalidInput("A note cannot be empty.")
    async with uow:
        actor.require(Permission.NOTE)
        order = await uow.orders.get(actor.shop_id, number)
        record(uow, order, actor, "note", order.status, order.status, text.strip())
        await uow.commit()
    return order
