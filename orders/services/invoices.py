"""Invoices (seed 000): issued when an order is completed, or earlier by a seller; one per order,
numbered per shop without gaps (INV-00001), rendered to PDF from a frozen snapshot.

The customer's notice (`order.invoice_issued`) carries `invoice_id`, `invoice_number` and
`filename`; the sender fetches the document with `invoice_document(uow, shop_id, invoice_id)`.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from orders.db import new_id, utcnow
from orders.domain import financial
from orders.domain.actors import Actor
from orders.domain.roles import Permission
from orders.domain.status import OrderStatus, QUOTES
from orders.errors import InvoiceNotFound, RuleViolation
from orders.invoice_pdf import render_invoice_pdf
from orders.models import Invoice, Order, Shop
from orders.services.access import order_for_change
from orders.services.recording import notify, record, touch
from orders.uow import UnitOfWork

INVOICE_PREFIX = "INV-"


def format_invoice_number(sequence: int) -> str:
    return f"{INVOICE_PREFIX}{sequence:05d}"


async def issue_invoice(uow: UnitOfWork, actor: Actor, number: str) -> Order:
    """A seller issues the invoice before completion; refused if the order already has one."""
    async with uow:
        order = await order_for_change(uow, actor, number, Permission.FULFILL)
        if order.invoice_number:
            raise RuleViolation("invoice_exists", f"Order {number} already has invoice "
                                                  f"{order.invoice_number}.")
        if order.status in QUOTES or order.status == OrderStatus.CANCELLED:
            raise RuleViolation("invoice_status", f"Order {number} is {order.status}; only an "
                                                  "order the shop accepted gets an invoice.")
        await issue_invoice_in(uow, actor, await uow.shops.get(actor.shop_id), order, utcnow())
        await uow.commit()
    return order


async def issue_invoice_in(uow: UnitOfWork, actor: Actor, shop: Shop, order: Order,
                           now: datetime) -> Invoice | None:
    """Issue the order's invoice inside the caller's unit of work (None: it has one already).

    The counter row and the unique (shop, order) key keep numbers gapless and one per order even
    when two sellers issue at once: the loser waits on the counter, then finds the invoice.
    """
    if order.invoice_number:
        return None
    sequence = await uow.shops.next_number(shop.id, "invoice")
    existing = await uow.session.scalar(select(Invoice).where(
        Invoice.shop_id == order.shop_id, Invoice.order_id == order.id))
    if existing is not None:  # issued by a transaction we waited for; our bump rolls back
        raise RuleViolation("invoice_exists", f"Order {order.number} already has invoice "
                                              f"{existing.number}.")
    invoice = Invoice(id=new_id(), shop_id=order.shop_id, order_id=order.id,
                      number=format_invoice_number(sequence), issued_at=now,
                      created_by=actor.member_id)
    invoice.snapshot = snapshot(shop, order, invoice.number, now)
    uow.session.add(invoice)
    order.invoice_id, order.invoice_number = invoice.id, invoice.number
    touch(order)
    record(uow, order, actor, "invoice", None, invoice.number)
    notify(uow, order, "invoice.issued", invoice_id=str(invoice.id),
           invoice_number=invoice.number, filename=f"{invoice.number}.pdf")
    return invoice


def snapshot(shop: Shop, order: Order, invoice_number: str, issued_at: datetime) -> dict[str, Any]:
    """Everything the invoice prints, as plain JSON."""
    paid, refunded = financial.totals((p.kind, p.amount) for p in order.payments)
    return {
        "shop": {"name": shop.name, "slug": shop.slug},
        "invoice_number": invoice_number, "issued_at": issued_at.isoformat(),
        "order_number": order.number, "currency": order.currency,
        "customer": {"name": order.customer_name, "phone": order.customer_phone,
                     "address": order.address},
        "lines": [{"sku": l.sku, "name": l.name, "quantity": l.quantity,
                   "options": [o.get("name", o.get("code")) for o in l.options
                               if not o.get("negated")],
                   "unit_price": str(l.unit_price), "line_total": str(l.line_total)}
                  for l in order.lines],
        "total": str(order.total), "paid": str(paid - refunded),
    }


@dataclass(frozen=True)
class InvoiceDocument:
    number: str
    filename: str
    content: bytes  # application/pdf


async def invoice_document(uow: UnitOfWork, shop_id: uuid.UUID,
                           invoice_id: uuid.UUID) -> InvoiceDocument:
    """The invoice as a PDF, for the sender of `order.invoice_issued`."""
    async with uow.reading():
        invoice = await uow.session.get(Invoice, (shop_id, invoice_id))
        if invoice is None:
            raise InvoiceNotFound(invoice_id)
        data = dict(invoice.snapshot)
    return InvoiceDocument(invoice.number, f"{invoice.number}.pdf", render_invoice_pdf(data))
