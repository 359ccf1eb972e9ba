"""Fulfillments: which lines left the shop, how many, and how to track them."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orders.db import Base, ShopRow, created_at_column


class Fulfillment(ShopRow, Base):
    """One shipment (or hand-over) of some units of some lines."""

    __tablename__ = "fulfillments"
    __table_args__ = (
        ForeignKeyConstraint(["shop_id", "order_id"], ["orders.shop_id", "orders.id"],
                             ondelete="CASCADE"),
        Index(None, "shop_id", "order_id"),
    )

    order_id: Mapped[uuid.UUID]
    carrier: Mapped[str | None] = mapped_column(String(64))
    tracking_number: Mapped[str | None] = mapped_column(String(128))
    tracking_url: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = created_at_column()

    lines: Mapped[list[FulfillmentLine]] = relationship(lazy="selectin",
                                                        cascade="all, delete-orphan")


class FulfillmentLine(ShopRow, Base):
    """Units of one order line in one fulfillment."""

    __tablename__ = "fulfillment_lines"
    __table_args__ = (
        ForeignKeyConstraint(["shop_id", "fulfillment_id"], ["fulfillments.shop_id", "fulfillments.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["shop_id", "order_line_id"], ["order_lines.shop_id", "order_lines.id"],
                             ondelete="CASCADE"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    fulfillment_id: Mapped[uuid.UUID]
    order_line_id: Mapped[uuid.UUID]
    quantity: Mapped[int] = mapped_column(Integer)
