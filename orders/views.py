"""Plain-dict views of orders for adapters (HTTP API, chat cards, outbox payloads)."""
from __future__ import annotations

from datetime import datetime
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
        **flow_view(order),
        "created_at": order.created_at.isoformat(), "updated_at": order.updated_at.isoformat(),
        "deleted_at": order.deleted_at.isoformat() if order.deleted_at else None,
    }


def history_view(row: OrderHistory) -> dict[str, Any]:
    return {"axis": row.axis, "from": row.from_value, "to": row.to_value, "note": row.note,
            "actor_id": str(row.actor_id) if row.actor_id else None,
            "created_at": row.created_at.isoformat()}


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def flow_view(order: Order) -> dict[str, Any]:
    """Where the order stands in the flows of issue 9 (quote, payment request, production,
    tracking, completion, invoice)."""
    return {
        "claim_code": order.claim_code, "quote_accepted_at": _when(order.quote_accepted_at),
        "payment_requested_at": _when(order.payment_requested_at),
        "customer_says_paid_at": _when(order.customer_says_paid_at),
        "stage": order.stage, "checklist": order.checklist or {},
        "carrier": order.carrier, "tracking_number": order.tracking_number,
        "tracking_url": order.tracking_url,
        "auto_complete_at": _when(order.auto_complete_at),
        "completed_at": _when(order.completed_at),
        "invoice_id": str(order.invoice_id) if order.invoice_id else None,
        "invoice_number": order.invoice_number,
    }
