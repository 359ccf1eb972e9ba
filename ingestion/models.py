"""Ingestion's tables: the inbox, conversations, drafts and the drafts' event log.

Like every table, each carries `shop_id` in its primary key and in every unique key.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    text,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from orders.db import (
    Base,
    JSONType,
    ShopRow,
    UTCDateTime,
    created_at_column,
    utcnow,
)


class InboxMessage(ShopRow, Base):
    """One platform event, stored before the webhook answers; (channel, external id) once only.

    `message` is the adapter's normalized form: {"kind": "text"|"cart"|"unsupported"|...,
    "sender": ..., "chat": ..., "sender_name": ..., "text": ..., "items": [...]}.
    """

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("shop_id", "channel", "external_id"),
        CheckConstraint("status IN ('pending', 'processing', 'done', 'dead')", name="status"),
        Index(None, "status", "next_attempt_at"),
        # Button taps are claimed before the backlog (a tap waits for its answer); see claim().
        Index("ix_inbox_pending_taps", "next_attempt_at",
              postgresql_where=text("kind = 'callback' AND status = 'pending'"),
              sqlite_where=text("kind = 'callback' AND status = 'pending'")),
    )

    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Conversation(ShopRow, Base):
    """A customer's chat with the shop on one channel: where replies go, what draft is open."""

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("shop_id", "channel", "chat_id"),
        ForeignKeyConstraint(["shop_id", "customer_id"], ["customers.shop_id", "customers.id"],
                             ondelete="CASCADE"),
    )

    customer_id: Mapped[uuid.UUID]
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = created_at_column()


class Draft(ShopRow, Base):
    """A parsed order waiting for a seller. `content` is the parser's Draft JSON, kept current
    through amendments and seller edits; `texts` are the customer messages it was read from."""

    __tablename__ = "drafts"
    __table_args__ = (
        CheckConstraint("status IN ('pending_review', 'approved', 'rejected', 'expired')",
                        name="status"),
        ForeignKeyConstraint(["shop_id", "conversation_id"],
                             ["conversations.shop_id", "conversations.id"]),
        Index(None, "shop_id", "status", "created_at"),
        # the customer's newest pending draft, read in order (migration 0008)
        Index(None, "shop_id", "conversation_id", "status", "created_at"),
        Index(None, "status", "expires_at"),
    )

    status: Mapped[str] = mapped_column(String(16), default="pending_review")
    source: Mapped[str] = mapped_column(String(8), default="text")  # text | cart
    customer_id: Mapped[uuid.UUID | None]
    conversation_id: Mapped[uuid.UUID | None]
    channel: Mapped[str | None] = mapped_column(String(16))
    chat_id: Mapped[str | None] = mapped_column(String(128))
    content: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    confidence: Mapped[float] = mapped_column(default=0.0)
    texts: Mapped[list[str]] = mapped_column(JSONType, default=list)
    edited: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[uuid.UUID | None]
    decided_by_name: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    order_id: Mapped[uuid.UUID | None]
    order_number: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DraftEvent(ShopRow, Base):
    """Append-only: created, amended, edited, approved, approve_failed, rejected, expired."""

    __tablename__ = "draft_events"
    __table_args__ = (
        ForeignKeyConstraint(["shop_id", "draft_id"], ["drafts.shop_id", "drafts.id"],
                             ondelete="CASCADE"),
        Index(None, "shop_id", "draft_id", "created_at"),
    )

    draft_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[uuid.UUID | None]
    actor_name: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = created_at_column()
