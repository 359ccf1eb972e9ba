"""Shops (the tenants), their members and per-shop counters."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from orders.db import (
    Base,
    JSONType,
    ShopKey,
    ShopRow,
    UTCDateTime,
    created_at_column,
    new_id,
)


class Shop(Base):
    """A tenant. Every other row carries its `shop_id`."""

    __tablename__ = "shops"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    region: Mapped[str] = mapped_column(String(2), default="US")
    language: Mapped[str] = mapped_column(String(8), default="en")
    # e.g. {"auto_approve_threshold": 0.95, "draft_expiry_hours": 24}
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = created_at_column()


class ShopCounter(ShopKey, Base):
    """Per-shop sequences (order numbers): one row, bumped with UPDATE ... RETURNING."""

    __tablename__ = "shop_counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Member(ShopRow, Base):
    """A person working for a shop, with one role; authenticates with a hashed API token."""

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("shop_id", "token_hash"),
        UniqueConstraint("shop_id", "telegram_user_id"),
        CheckConstraint("role IN ('admin', 'manager', 'agent', 'viewer')", name="role"),
    )

    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64))
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = created_at_column()
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)


class MemberInvite(ShopRow, Base):
    """A one-time code (`orderbot shop invite`) that makes whoever sends `/start CODE` to the
    shop's bot a member with `role`. Only the code's hash is stored; `used_at` is set once."""

    __tablename__ = "member_invites"
    __table_args__ = (
        UniqueConstraint("shop_id", "code_hash"),
        CheckConstraint("role IN ('admin', 'manager', 'agent', 'viewer')", name="role"),
    )

    code_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    member_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = created_at_column()
