"""The append-only order history and the notification outbox, both written in the change's transaction."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
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


class OrderHistory(ShopRow, Base):
    """One change: axis (status, financial, fulfillment, note, edit, ...), from, to, note, actor.

    `actor_id` NULL means the system did it. Rows are only ever inserted.
    """

    __tablename__ = "order_history"
    __table_args__ = (
        ForeignKeyConstraint(["shop_id", "order_id"], ["orders.shop_id", "orders.id"],
                             ondelete="CASCADE"),
        Index(None, "shop_id", "order_id", "created_at"),
    )

    order_id: Mapped[uuid.UUID]
    axis: Mapped[str] = mapped_column(String(16))
    from_value: Mapped[str | None] = mapped_column(Text)
    to_value: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = created_at_column()


class OutboxMessage(ShopRow, Base):
    """A message to send after commit (customer notice, seller card, ...). Generic on purpose:
    `kind` names the event, `channel`/`recipient` who gets it, `payload` what to say.

    A dispatcher picks `pending` rows whose `next_attempt_at` has come, sends, and marks them
    `sent`, or retries later and finally `dead`. `idempotency_key` makes enqueueing repeatable.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("shop_id", "idempotency_key"),
        CheckConstraint("status IN ('pending', 'sent', 'dead')", name="status"),
        Index(None, "status", "next_attempt_at"),
    )

    kind: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at_column()
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
