"""Orders, their lines, assignments and tags."""
from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orders.db import (
    Base,
    JSONType,
    Money,
    ShopKey,
    ShopRow,
    UTCDateTime,
    created_at_column,
    utcnow,
)

if TYPE_CHECKING:
    from orders.models.fulfillment import Fulfillment
    from orders.models.payments import Payment, Restock

_STATUSES = ("'new', 'pending', 'confirmed', 'packed', 'shipped', 'delivered', 'cancelled', "
             "'refunded', 'quote', 'claimed', 'completed'")


class Order(ShopRow, Base):
    """The record of a purchase. Status moves by the domain tables; the other two axes are derived."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("shop_id", "number"),
        UniqueConstraint("shop_id", "draft_id"),
        ForeignKeyConstraint(["shop_id", "customer_id"], ["customers.shop_id", "customers.id"]),
        CheckConstraint(f"status IN ({_STATUSES})", name="status"),
        CheckConstraint("version >= 1", name="version_positive"),
        # Keyset pagination and filters: every list is (shop, [filter], created_at, id).
        Index(None, "shop_id", "created_at", "id"),
        Index(None, "shop_id", "status", "created_at", "id"),
        Index(None, "shop_id", "financial_status", "created_at", "id"),
        Index(None, "shop_id", "fulfillment_status", "created_at", "id"),
        Index(None, "shop_id", "customer_id", "created_at"),
        Index(None, "shop_id", "conversation_id", "created_at"),
        # A claim code finds its quote; unique per shop while open (NULL once claimed).
        Index(None, "shop_id", "claim_code", unique=True),
        Index(None, "shop_id", "claimed_code"),
        # The auto-completion sweep looks across shops for delivered orders whose time came.
        Index(None, "status", "auto_complete_at"),
    )

    number: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    financial_status: Mapped[str] = mapped_column(String(24), default="pending")
    fulfillment_status: Mapped[str] = mapped_column(String(16), default="unfulfilled")
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    customer_id: Mapped[uuid.UUID | None]
    # Contact snapshot at order time: later CRM edits never rewrite past orders.
    customer_name: Mapped[str | None] = mapped_column(String(200))
    customer_phone: Mapped[str | None] = mapped_column(String(32))
    customer_contact: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    address: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    form_data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType, default=dict)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    date_due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    draft_id: Mapped[uuid.UUID | None]
    conversation_id: Mapped[uuid.UUID | None]
    invoice_url: Mapped[str | None] = mapped_column(Text)
    label_url: Mapped[str | None] = mapped_column(Text)
    # Quotes (seed 002): the open claim code, the code once used (to tell a second claimant
    # why not), and when the customer accepted.
    claim_code: Mapped[str | None] = mapped_column(String(12))
    claimed_code: Mapped[str | None] = mapped_column(String(12))
    quote_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # An open payment request (financial `awaiting_payment` while nothing is paid) and the
    # customer's "I paid" that answered it.
    payment_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    customer_says_paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    carrier: Mapped[str | None] = mapped_column(String(64))
    tracking_number: Mapped[str | None] = mapped_column(String(128))
    tracking_url: Mapped[str | None] = mapped_column(Text)
    # Production: the shop's stage reached (None: not started) and the packing checklist's ticks.
    stage: Mapped[str | None] = mapped_column(String(64))
    checklist: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Fixed when delivered (the shop's auto_complete_days then), so the sweep is one indexed query.
    auto_complete_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invoice_id: Mapped[uuid.UUID | None]
    invoice_number: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[uuid.UUID | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    lines: Mapped[list[OrderLine]] = relationship(
        order_by="OrderLine.position", lazy="selectin", cascade="all, delete-orphan")
    tags: Mapped[list[OrderTag]] = relationship(
        order_by="OrderTag.tag", lazy="selectin", cascade="all, delete-orphan")
    assignments: Mapped[list[OrderMember]] = relationship(
        lazy="selectin", cascade="all, delete-orphan")
    payments: Mapped[list[Payment]] = relationship(
        order_by="Payment.created_at", lazy="selectin", cascade="all, delete-orphan")
    restocks: Mapped[list[Restock]] = relationship(lazy="selectin", cascade="all, delete-orphan")
    fulfillments: Mapped[list[Fulfillment]] = relationship(
        order_by="Fulfillment.created_at", lazy="selectin", cascade="all, delete-orphan")

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags]

    @property
    def member_ids(self) -> list[uuid.UUID]:
        return [a.member_id for a in self.assignments]


class OrderLine(ShopRow, Base):
    """One product in an order, with name, unit price and options snapshotted at order time."""

    __tablename__ = "order_lines"
    __table_args__ = (
        ForeignKeyConstraint(["shop_id", "order_id"], ["orders.shop_id", "orders.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["shop_id", "product_id"], ["products.shop_id", "products.id"]),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index(None, "shop_id", "order_id"),
        Index(None, "shop_id", "product_id"),
    )

    order_id: Mapped[uuid.UUID]
    position: Mapped[int] = mapped_column(Integer, default=0)
    product_id: Mapped[uuid.UUID | None]
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    unit_price: Mapped[Decimal] = mapped_column(Money())
    quantity: Mapped[int] = mapped_column(Integer)
    # [{"group": "size", "code": "LARGE", "name": "large", "price_delta": "3.00"}, ...]
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    line_total: Mapped[Decimal] = mapped_column(Money())
    # How many units were taken from stock (0 when the product's stock is not tracked).
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    # The product's warranty when ordered; it starts when the order is completed.
    warranty_months: Mapped[int | None] = mapped_column(Integer)


class OrderMember(ShopKey, Base):
    """A member assigned to an order."""

    __tablename__ = "order_members"
    __table_args__ = (
        ForeignKeyConstraint(["shop_id", "order_id"], ["orders.shop_id", "orders.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["shop_id", "member_id"], ["members.shop_id", "members.id"],
                             ondelete="CASCADE"),
    )

    order_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    member_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = created_at_column()


class OrderTag(ShopKey, Base):
    """A free-text tag on an order ("gift", "vip"), unique per order."""

    __tablename__ = "order_tags"
    __table_args__ = (
        ForeignKeyConstraint(["shop_id", "order_id"], ["orders.shop_id", "orders.id"],
                             ondelete="CASCADE"),
        Index(None, "shop_id", "tag"),
    )

    order_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = created_at_column()
