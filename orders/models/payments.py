"""Money in and out of an order, and the stock that came back with refunds and cancellations."""
from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from orders.db import Base, Money, ShopRow, created_at_column


class Payment(ShopRow, Base):
    """A payment (kind 'payment') or a refund (kind 'refund'); the financial status is derived."""

    __tablename__ = "payments"
    __table_args__ = (
        ForeignKeyConstraint(["shop_id", "order_id"], ["orders.shop_id", "orders.id"],
                             ondelete="CASCADE"),
        CheckConstraint("kind IN ('payment', 'refund')", name="kind"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index(None, "shop_id", "order_id"),
    )

    order_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(8))
    amount: Mapped[Decimal] = mapped_column(Money())
    method: Mapped[str | None] = mapped_column(String(32))
    reference: Mapped[str | None] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = created_at_column()


class Restock(ShopRow, Base):
    """Units of one order line put back into stock, by a refund or a cancellation.

    The service never lets the restocked units of a line exceed what the line reserved.
    """

    __tablename__ = "restocks"
    __table_args__ = (
        ForeignKeyConstraint(["shop_id", "order_id"], ["orders.shop_id", "orders.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["shop_id", "order_line_id"], ["order_lines.shop_id", "order_lines.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["shop_id", "payment_id"], ["payments.shop_id", "payments.id"],
                             ondelete="CASCADE"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("reason IN ('refund', 'cancel')", name="reason"),
        Index(None, "shop_id", "order_id"),
    )

    order_id: Mapped[uuid.UUID]
    order_line_id: Mapped[uuid.UUID]
    payment_id: Mapped[uuid.UUID | None]
    quantity: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = created_at_column()
