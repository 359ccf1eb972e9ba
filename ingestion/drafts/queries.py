"""Reading drafts for sellers: one by id, lists by status with keyset pagination.

Every query is scoped to the actor's shop; another shop's draft is simply not found.
"""
from __future__ import annotations

import uuid

from sqlalchemy import select

from ingestion.drafts.service import get_draft
from ingestion.drafts.status import DraftStatus
from ingestion.models import Draft
from orders.domain.actors import Actor
from orders.domain.roles import Permission
from orders.errors import InvalidInput
from orders.pagination import Page, check_limit, keyset_page
from orders.uow import UnitOfWork


async def read_draft(uow: UnitOfWork, actor: Actor, draft_id: uuid.UUID) -> Draft:
    actor.require(Permission.READ)
    async with uow.reading():
        return await get_draft(uow.session, actor.shop_id, draft_id)


async def list_drafts(uow: UnitOfWork, actor: Actor, status: str | None = None, *,
                      cursor: str | None = None, limit: int = 50) -> Page:
    """Newest first, `limit` at a time; pass `next_cursor` back for the next page."""
    actor.require(Permission.READ)
    check_limit(limit)
    stmt = select(Draft).where(Draft.shop_id == actor.shop_id)
    if status:
        if status not in set(DraftStatus):
            raise InvalidInput(f"status must be one of {', '.join(DraftStatus)}.")
        stmt = stmt.where(Draft.status == status)
    return await keyset_page(uow, stmt, Draft, cursor, limit)
