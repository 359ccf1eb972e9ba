"""The API's bodies and answers as pydantic models; the OpenAPI document is built from these."""
from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ingestion.models import Draft


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Bodies ---------------------------------------------------------------------------------------

class RejectBody(Body):
    reason: str | None = Field(None, max_length=2000)


class TransitionBody(Body):
    to: str = Field(min_length=1, description="the target order status")
    note: str | None = Field(None, max_length=2000)
    version: int | None = Field(None, ge=1, description="the version you read; 409 if stale")


class PaymentBody(Body):
    amount: Decimal = Field(gt=0)
    method: str | None = Field(None, max_length=64)
    reference: str | None = Field(None, max_length=200, description="recorded once per reference")
    note: str | None = Field(None, max_length=2000)
    version: int | None = Field(None, ge=1)


class LineQuantity(Body):
    line_id: uuid.UUID
    quantity: int = Field(gt=0)


class RefundBody(Body):
    amount: Decimal = Field(gt=0)
    restock: list[LineQuantity] = Field(default_factory=list,
                                        description="line quantities going back into stock")
    note: str | None = Field(None, max_length=2000)
    reference: str | None = Field(None, max_length=200)
    version: int | None = Field(None, ge=1)


class FulfillmentBody(Body):
    lines: list[LineQuantity] | None = Field(None, description="omitted: everything not yet sent")
    carrier: str | None = Field(None, max_length=100)
    tracking_number: str | None = Field(None, max_length=200)
    tracking_url: str | None = Field(None, max_length=2000)
    version: int | None = Field(None, ge=1)


class ListQuery(Body):
    status: str | None = None
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=100)


def quantities(lines: list[LineQuantity] | None) -> dict[uuid.UUID, int] | None:
    if lines is None:
        return None
    total: dict[uuid.UUID, int] = {}
    for line in lines:
        total[line.line_id] = total.get(line.line_id, 0) + line.quantity
    return total


# Answers --------------------------------------------------------------------------------------

class Answer(BaseModel):
    model_config = ConfigDict(extra="allow")


class DraftLine(Answer):
    sku: str | None
    name: str | None
    quantity: int
    options: Any = None
    confidence: float | None = None


class DraftOut(Answer):
    id: uuid.UUID
    status: str
    confidence: float
    lines: list[DraftLine]
    customer: dict[str, Any]
    note: str | None = None
    channel: str | None = None
    created_at: str
    expires_at: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    order_number: str | None = None
    reason: str | None = None

    @classmethod
    def of(cls, draft: Draft) -> DraftOut:
        content = draft.content or {}
        iso = lambda t: t.isoformat() if t else None
        return cls(id=draft.id, status=draft.status, confidence=draft.confidence,
                   lines=content.get("lines", []), note=content.get("note"),
                   customer={"id": str(draft.customer_id) if draft.customer_id else None,
                             **(content.get("contact") or {})},
                   channel=draft.channel, created_at=iso(draft.created_at),
                   expires_at=iso(draft.expires_at), decided_by=draft.decided_by_name,
                   decided_at=iso(draft.decided_at), order_number=draft.order_number,
                   reason=draft.reason, unparsed=content.get("unparsed", []),
                   clarifications=content.get("clarifications", []))


class DraftList(BaseModel):
    items: list[DraftOut]
    next_cursor: str | None


class OrderLineOut(Answer):
    id: uuid.UUID
    sku: str | None
    name: str
    quantity: int
    unit_price: str
    options: Any = None
    line_total: str


class OrderOut(Answer):
    id: uuid.UUID
    number: str
    draft_id: uuid.UUID | None
    status: str
    financial_status: str
    fulfillment_status: str
    lines: list[OrderLineOut]
    total: str
    currency: str
    version: int
    customer: dict[str, Any]
    created_at: str
    updated_at: str


class OrderList(BaseModel):
    items: list[OrderOut]
    next_cursor: str | None


class HistoryEntry(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    axis: str
    from_: str | None = Field(None, alias="from")
    to: str | None
    note: str | None
    actor_id: uuid.UUID | None
    created_at: str


class HistoryList(BaseModel):
    items: list[HistoryEntry]
    next_cursor: str | None = None


class Problem(Answer):
    """Every error answer: `error` is the message a seller can read; `code` names the case."""
    error: str
    code: str
    fields: list[dict[str, Any]] | None = None


class AlreadyDecided(Problem):
    status: str
    decided_by: str | None
    decided_at: str | None
    order_number: str | None
