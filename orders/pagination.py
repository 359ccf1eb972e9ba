"""Keyset pagination on (created_at, id), newest first: the one way every list pages.

The cursor is opaque to callers (base64 of the last row's created_at and id), so a page stays
right while rows are added, unlike OFFSET.
"""
from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, or_

from orders.errors import InvalidInput
from orders.uow import UnitOfWork

MAX_LIMIT = 100
T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T] = field(default_factory=list)
    next_cursor: str | None = None


def check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}.")


def encode_cursor(row: Any) -> str:
    raw = json.dumps({"c": row.created_at.isoformat(), "i": str(row.id)})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(raw["c"]), uuid.UUID(raw["i"])
    except (ValueError, KeyError, TypeError):
        raise InvalidInput("That page cursor is not valid; start again from the first page.") from None


async def keyset_page(uow: UnitOfWork, stmt: Select, model: Any, cursor: str | None,
                      limit: int) -> Page:
    """Run `stmt` (already filtered and scoped to one shop) for one page after `cursor`."""
    if cursor:
        created_at, row_id = decode_cursor(cursor)
        stmt = stmt.where(or_(model.created_at < created_at,
                              and_(model.created_at == created_at, model.id < row_id)))
    stmt = stmt.order_by(model.created_at.desc(), model.id.desc()).limit(limit + 1)
    async with uow.reading():
        rows = list(await uow.session.scalars(stmt))
    page = Page(items=rows[:limit])
    if len(rows) > limit:
        page.next_cursor = encode_cursor(rows[limit - 1])
    return page
