"""Per-shop wording of notices: a shop may override the bot's default text of any outbox kind in
any language (table notification_templates). The defaults and the lookup that merges them
(`template(kind, language, overrides)`) live in bot/; this is the shop's side of it."""
from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from orders.db import utcnow
from orders.domain.actors import Actor
from orders.domain.notifications import KINDS
from orders.domain.roles import Permission
from orders.errors import InvalidInput
from orders.models import NotificationTemplate
from orders.uow import UnitOfWork

MAX_TEXT = 4000


def _check(kind: str, language: str) -> None:
    if kind not in KINDS:
        raise InvalidInput(f"{kind!r} is not a notice kind ({', '.join(sorted(KINDS))}).")
    if not re.fullmatch(r"[a-z]{2,3}", language or ""):
        raise InvalidInput(f"Language {language!r} must be an ISO code such as en or es.")


async def set_template(uow: UnitOfWork, actor: Actor, kind: str, language: str,
                       text: str | None) -> NotificationTemplate | None:
    """Set the shop's text for (`kind`, `language`); empty or None goes back to the default."""
    actor.require(Permission.MANAGE_SETTINGS)
    _check(kind, language)
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"A template is at most {MAX_TEXT} characters.")
    async with uow:
        row = await uow.session.get(NotificationTemplate, (actor.shop_id, kind, language))
        if not text:
            if row is not None:
                await uow.session.delete(row)
            await uow.commit()
            return None
        if row is None:
            row = NotificationTemplate(shop_id=actor.shop_id, kind=kind, language=language)
            uow.session.add(row)
        row.text, row.updated_by, row.updated_at = text, actor.member_id, utcnow()
        await uow.commit()
    return row


async def list_templates(uow: UnitOfWork, actor: Actor,
                         language: str | None = None) -> list[NotificationTemplate]:
    actor.require(Permission.READ)
    stmt = select(NotificationTemplate).where(NotificationTemplate.shop_id == actor.shop_id)
    if language:
        stmt = stmt.where(NotificationTemplate.language == language)
    async with uow.reading():
        return list(await uow.session.scalars(
            stmt.order_by(NotificationTemplate.kind, NotificationTemplate.language)))


async def template_overrides(uow: UnitOfWork, shop_id: uuid.UUID, language: str) -> dict[str, str]:
    """{kind: text} of one shop and language, for the dispatcher's `template(..., overrides)`."""
    async with uow.reading():
        rows = await uow.session.execute(
            select(NotificationTemplate.kind, NotificationTemplate.text).where(
                NotificationTemplate.shop_id == shop_id, NotificationTemplate.language == language))
        return {kind: text for kind, text in rows}


__all__ = ["list_templates", "set_template", "template_overrides"]
