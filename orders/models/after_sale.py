"""What an order leaves behind once sold: its invoice, its lines' warranties, and the shop's own
wording of the notices about them (notification templates)."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from orders.db import Base, JSONType, ShopKey, ShopRow, UTCDateTime, created_at_column


class Invoice(ShopRow, Base):
    """One invoice per order at most, numbered per shop without gaps (INV-00001).

    `snapshot` is everything printed on it, frozen at issue: the PDF is rendered from it on
    demand (orders.invoice_pdf), so the document never changes when the order or shop does.
    """

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("shop_id", "number"),
        UniqueConstraint("shop_id", "order_id"),
        ForeignKeyConstraint(["shop_id", "order_id"], ["orders.shop_id", "orders.id"],
                             ondelete="CASCADE"),
    )

    order_id: Mapped[uuid.UUID]
    number: Mapped[str] = mapped_column(String(32))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_by: Mapped[uuid.UUID | None]


class Warranty(ShopRow, Base):
    """The warranty of one order line: from completion for the product's months."""

    __tablename__ = "warranties"
    __table_args__ = (
        UniqueConstraint("shop_id", "order_line_id"),
        ForeignKeyConstraint(["shop_id", "order_id"], ["orders.shop_id", "orders.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["shop_id", "order_line_id"], ["order_lines.shop_id", "order_lines.id"],
                             ondelete="CASCADE"),
        # The reminder sweep looks across shops for reminders due and not yet sent.
        Index(None, "remind_at", "reminded_at"),
    )

    order_id: Mapped[uuid.UUID]
    order_line_id: Mapped[uuid.UUID]
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    months: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    remind_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NotificationTemplate(ShopKey, Base):
    """A shop's own text for one outbox kind in one language, instead of the bot's default."""

    __tablename__ = "notification_templates"

    kind: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[uuid.UUID | None]
    updated_at: Mapped[datetime] = created_at_column()
