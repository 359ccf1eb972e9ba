"""The bot's tables: each shop's channel credentials (`orderbot channel add`).

`channels` is also the routing table of the shared webhooks: WhatsApp posts name a phone-number
id and Instagram posts an account id, not a shop, so `(kind, account_id)` is unique across shops.
That is the one unique key without `shop_id`; the table is tiny and read on every webhook, so a
distributed deployment keeps it as a reference table (copied to every node), not sharded.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from orders.db import Base, JSONType, ShopRow, UTCDateTime, created_at_column, utcnow

TELEGRAM, WHATSAPP, INSTAGRAM = "telegram", "whatsapp", "instagram"
KINDS = (TELEGRAM, WHATSAPP, INSTAGRAM)


class Channel(Base):
    """One shop's credentials for one platform.

    telegram:  account_id = the bot's id (from its token), token = bot token,
               secret = webhook secret (X-Telegram-Bot-Api-Secret-Token)
    whatsapp:  account_id = phone_number_id, token = access token, secret = app secret,
               verify_token = the GET verification token
    instagram: account_id = Instagram account id, token = access token, secret = app secret
    """

    __tablename__ = "channels"
    __table_args__ = (
        CheckConstraint("kind IN ('telegram', 'whatsapp', 'instagram')", name="kind"),
        UniqueConstraint("kind", "account_id"),
    )

    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"),
                                               primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    account_id: Mapped[str | None] = mapped_column(String(64))
    token: Mapped[str | None] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(Text)
    verify_token: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SellerPrompt(ShopRow, Base):
    """What the bot asked a seller in one chat and is waiting for ("Send the new quantity").

    The chat flows (edit a draft, attach documents, record a payment) keep their step here, not
    in process memory, so the answer is understood whichever worker or process receives it.
    One open prompt per (member, chat); a new question replaces the old one."""

    __tablename__ = "seller_prompts"
    __table_args__ = (UniqueConstraint("shop_id", "telegram_user_id", "chat_id"),)

    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[uuid.UUID] = mapped_column()
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()
