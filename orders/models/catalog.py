"""Catalog products. Options are kept as the DESIGN catalog JSON so the parser gets them verbatim."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from orders.db import (
    Base,
    JSONType,
    Money,
    ShopRow,
    UTCDateTime,
    created_at_column,
    utcnow,
)


class Product(ShopRow, Base):
    """One sellable thing. `stock` NULL means not tracked; it can never go below zero."""

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("shop_id", "sku"),
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),
    )

    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSONType, default=list)
    price: Mapped[Decimal] = mapped_column(Money())
    stock: Mapped[int | None] = mapped_column(Integer)
    # The catalog file's "options" list, exactly as imported (groups, values, qualifiers).
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    warranty_months: Mapped[int | None] = mapped_column(Integer)  # None: no warranty
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
