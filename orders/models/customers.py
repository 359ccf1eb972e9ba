"""Customers of a shop and the chat identities they write from."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from orders.db import Base, ShopRow, created_at_column


class Customer(ShopRow, Base):
    """A CRM-style record per shop; orders keep their own snapshot of the contact."""

    __tablename__ = "customers"
    __table_args__ = (Index(None, "shop_id", "phone"),)

    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()


class CustomerIdentity(ShopRow, Base):
    """Who a customer is on one channel: (channel, external id) such as a Telegram chat id."""

    __tablename__ = "customer_identities"
    __table_args__ = (
        UniqueConstraint("shop_id", "channel", "external_id"),
        ForeignKeyConstraint(["shop_id", "customer_id"], ["customers.shop_id", "customers.id"],
                             ondelete="CASCADE"),
    )

    customer_id: Mapped[uuid.UUID]
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    display_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at_column()
