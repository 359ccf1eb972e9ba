"""Where each seller card went: (draft, chat) -> Telegram message id, so that a decided or
updated draft edits the cards in place instead of sending new ones."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from orders.db import Base, ShopRow, created_at_column


class CardDelivery(ShopRow, Base):
    __tablename__ = "outbox_deliveries"
    __table_args__ = (UniqueConstraint("shop_id", "draft_id", "chat_id"),)

    draft_id: Mapped[uuid.UUID] = mapped_column()
    chat_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at_column()
