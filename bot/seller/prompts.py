"""The question a seller's chat is waiting on ("Send the new quantity"), kept in the database.

    await ask(uow, shop_id, user, chat, "draft_quantity", draft_id, line=0)
    prompt = await waiting(uow, shop_id, user, chat)    # None, or the open question
    await settle(uow, prompt)                           # answered: forget it

One open question per (seller, chat): asking again replaces it. Questions expire, so an answer
typed an hour later is not read as a quantity.
"""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from bot.models import SellerPrompt
from orders.db import new_id, utcnow
from orders.uow import UnitOfWork

LIFETIME = timedelta(minutes=15)


async def ask(uow: UnitOfWork, shop_id: uuid.UUID, user: int, chat: str, kind: str,
              target_id: uuid.UUID, **data: Any) -> None:
    """Record the question (inside an open unit of work; the caller commits)."""
    await uow.session.execute(delete(SellerPrompt).where(
        SellerPrompt.shop_id == shop_id, SellerPrompt.telegram_user_id == user,
        SellerPrompt.chat_id == chat))
    uow.session.add(SellerPrompt(shop_id=shop_id, id=new_id(), telegram_user_id=user, chat_id=chat,
                                 kind=kind, target_id=target_id, data=data,
                                 expires_at=utcnow() + LIFETIME))


async def waiting(uow: UnitOfWork, shop_id: uuid.UUID, user: int, chat: str) -> SellerPrompt | None:
    prompt = await uow.session.scalar(select(SellerPrompt).where(
        SellerPrompt.shop_id == shop_id, SellerPrompt.telegram_user_id == user,
        SellerPrompt.chat_id == chat))
    return prompt if prompt is not None and prompt.expires_at > utcnow() else None


async def forget(uow: UnitOfWork, shop_id: uuid.UUID, user: int, chat: str) -> bool:
    gone = await uow.session.execute(delete(SellerPrompt).where(
        SellerPrompt.shop_id == shop_id, SellerPrompt.telegram_user_id == user,
        SellerPrompt.chat_id == chat))
    return bool(gone.rowcount)
