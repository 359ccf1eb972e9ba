"""Plain-dict views of orders for adapters (HTTP API, chat cards, outbox payloads)."""
from __future__ import annotations

from typing import Any

from orders.models import Order, OrderHistory, OrderLine


def line_view(line: OrderLine) -> dict[str, Any]:
    return {"id": str(line.id), "sku": line.sku, "name": line.name, "quantity": line.quantity,
            "unit_price": str(line.unit_price), "options": line.options,
            "line_total": str(line.line_total)}


def contact_view(order: Order) -> dict[str, Any]:
    return {"name": order.customer_name, "phone": order.customer_phone, "address": order.address,
            **{k: v for k, v in order.customer_contact.items() if k in ("channel", "external_id")}}


def order_view(order: Order) -> dict[str, Any]:
    """The order as DESIGN.md's HTTP API shows it."""
    return {
        "id": str(order.id), "number": order.number,
        "draft_id": str(order.draft_id) if order.draft_id else None,
        "conversation_id": str(order.conversation_id) if order.conversation_id else None,
        "customer_id": str(order.customer_id) if order.customer_id else None,
        "status": order.status, "financial_status": order.financial_status,
        "fulfillment_status": order.fulfillment_status,
        "lines": [line_view(line) for line in order.lines],
        "total": str(order.total), "currency": order.currency, "version": order.version,
        "customer": contact_view(order), "note": order.note, "form_data": order.form_data,
        "metadata": order.metadata_, "tags": order.tag_names,
        "assigned_member_ids": [str(m) for m in order.member_ids],
        "date_due": order.date_due.isoformat() if order.date_due else None,
        "invoice_url": order.invoice_url, "label_url": order.label_url, "source": order.source,
        "created_at": order.created_at.isoformat(), "updated_at": order.updated_at.isoformat(),
        "deleted_at": order.deleted_at.isoformat() if order.deleted_at else None,
    }


def history_view(row: OrderHistory) -> dict[str, Any]:
    return {"axis": row.axis, "from": row.from_value, "to": row.to_value, "note": row.note,
            "actor_id": str(row.actor_id) if row.actor_id else None,
            "created_at": row.created_at.isoformat()}
