"""Reading drafts for sellers: one by id, lists by status with keyset pagination.

Every query is scoped to the actor's shop; another shop's draft is simply not found.
"""
from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, or_, select

from ingestion.drafts.service import get_draft
from ingestion.drafts.status import DraftStatus
from ingestion.models import Draft
from orders.domain.actors import Actor
from orders.domain.roles import Permission
from orders.errors import InvalidInput
from orders.uow import UnitOfWork

MAX_LIMIT = 100


@dataclass
class DraftPage:
    items: list[Draft] = field(default_factory=list)
    next_cursor: str | None = None


async def read_draft(uow: UnitOfWork, actor: Actor, draft_id: uuid.UUID) -> Draft:
    actor.require(Permission.READ)
    async with uow.reading():
        return await get_draft(uow.session, actor.shop_id, draft_id)


async def list_drafts(uow: UnitOfWork, actor: Actor, status: str | None = None, *,
                      cursor: str | None = None, limit: int = 50) -> DraftPage:
    """Newest first, `limit` at a time; pass `next_cursor` back for the next page."""
    actor.require(Permission.READ)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}.")
    stmt = select(Draft).where(Draft.shop_id == actor.shop_id)
    if status:
        if status not in set(DraftStatus):
            raise InvalidInput(f"status must be one of {', '.join(DraftStatus)}.")
        stmt = stmt.where(Draft.status == status)
    if cursor:
        created_at, draft_id = _decode(cursor)
        stmt = stmt.where(or_(Draft.created_at < created_at,
                              and_(Draft.created_at == created_at, Draft.id < draft_id)))
    stmt = stmt.order_by(Draft.created_at.desc(), Draft.id.desc()).limit(limit + 1)
    async with uow.reading():
        rows = list(await uow.session.scalars(stmt))
    page = DraftPage(items=rows[:limit])
    if len(rows) > limit:
        page.next_cursor = _encode(rows[limit - 1])
    return page


def _encode(draft: Draft) -> str:
    raw = json.dumps({"c": draft.created_at.isoformat(), "i": str(draft.id)})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(raw["c"]), uuid.UUID(raw["i"])
    except (ValueError, KeyError, TypeError):
        raise InvalidInput("That page cursor is not valid; start again from the first page.") from None
