"""Draft services: the claim (approve), reject, seller edits, and the expiry sweep.

The claim is one transaction: a conditional UPDATE takes the draft only while it is still
`pending_review`; the order, its stock, history and outbox rows go in with it. Whoever comes
second finds the draft decided and gets `DraftAlreadyDecided` (who, when, which order).
"""
from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ingestion import metrics
from ingestion.catalogs import CatalogCache
from ingestion.drafts.content import apply_edits
from ingestion.drafts.status import DraftStatus, can_decide
from ingestion.errors import DraftAlreadyDecided, DraftApprovalFailed, DraftNotFound
from ingestion.models import Draft, DraftEvent
from orders.db import utcnow
from orders.domain.actors import Actor
from orders.domain.roles import Permission
from orders.errors import OrderCoreError, PermissionDenied
from orders.models import Customer, Order
from orders.services.creation import NewOrder, create_order_from_draft
from orders.services.quotes import create_quote_in
from orders.uow import UnitOfWork

DEFAULT_EXPIRY_HOURS = 24
SELLERS = "sellers"  # outbox recipient: every seller chat of the shop


@dataclass(frozen=True)
class Approval:
    draft: Draft
    order: Order


def expiry_for(shop_settings: Mapping[str, Any] | None, now: datetime) -> datetime:
    hours = (shop_settings or {}).get("draft_expiry_hours") or DEFAULT_EXPIRY_HOURS
    return now + timedelta(hours=float(hours))


def log(session: AsyncSession, draft: Draft, kind: str, actor: Actor | None,
        **data: Any) -> None:
    session.add(DraftEvent(shop_id=draft.shop_id, draft_id=draft.id, kind=kind,
                           actor_id=actor.member_id if actor else None,
                           actor_name=actor.name if actor else "system", data=data,
                           created_at=utcnow()))


def tell_sellers(uow: UnitOfWork, draft: Draft, kind: str, **facts: Any) -> None:
    """Queue a seller-facing event (new card, card decided) for the dispatcher."""
    payload = {"draft_id": str(draft.id), "status": draft.status,
               "confidence": draft.confidence, "order_number": draft.order_number,
               "decided_by": draft.decided_by_name, **facts}
    uow.outbox.add(draft.shop_id, kind, SELLERS, payload,
                   idempotency_key=f"draft:{draft.id}:{kind}:v{draft.version}")


async def get_draft(session: AsyncSession, shop_id: uuid.UUID, draft_id: uuid.UUID, *,
                    lock: bool = False) -> Draft:
    stmt = select(Draft).where(Draft.shop_id == shop_id, Draft.id == draft_id)
    if lock:
        stmt = stmt.with_for_update()
    draft = await session.scalar(stmt)
    if draft is None:
        raise DraftNotFound(draft_id)
    return draft


async def _conditional_decide(session: AsyncSession, actor: Actor, draft_id: uuid.UUID,
                              status: DraftStatus, now: datetime, **values: Any) -> Draft | None:
    """The claim itself: UPDATE ... WHERE status = 'pending_review' RETURNING the row."""
    stmt = (update(Draft)
            .where(Draft.shop_id == actor.shop_id, Draft.id == draft_id,
                   Draft.status == DraftStatus.PENDING_REVIEW)
            .values(status=status, decided_by=actor.member_id, decided_by_name=actor.name,
                    decided_at=now, updated_at=now, version=Draft.version + 1, **values)
            .returning(Draft)
            .execution_options(synchronize_session=False, populate_existing=True))
    return (await session.scalars(stmt)).one_or_none()


async def _already_decided(session: AsyncSession, shop_id: uuid.UUID,
                           draft_id: uuid.UUID) -> DraftAlreadyDecided:
    draft = await get_draft(session, shop_id, draft_id)  # DraftNotFound for another shop's id
    return DraftAlreadyDecided.of(draft)


async def approve_draft(uow: UnitOfWork, actor: Actor, draft_id: uuid.UUID, *,
                        as_quote: bool = False) -> Approval:
    """Claim the draft and make its one order, all in one transaction (see module doc).

    `as_quote`: "Send as quote" instead: the same claim makes a quote (status `quote`, no stock
    held) that goes to the draft's customer with an Accept button; a seller converts it later.
    """
    actor.require(Permission.APPROVE_DRAFT)
    try:
        async with uow:
            now = utcnow()
            draft = await _conditional_decide(uow.session, actor, draft_id, DraftStatus.APPROVED,
                                              now, last_error=None)
            if draft is None:
                raise await _already_decided(uow.session, actor.shop_id, draft_id)
            new = NewOrder.from_draft_json(
                draft.content, customer_id=draft.customer_id,
                conversation_id=draft.conversation_id, channel=draft.channel,
                external_id=draft.chat_id,
                metadata={"draft_confidence": draft.confidence, "source": draft.source})
            if not new.customer_name:  # the message named nobody: the chat's own name
                customer = await uow.session.get(Customer, (draft.shop_id, draft.customer_id))
                new.customer_name = customer.name if customer else None
            if as_quote:
                order = await create_quote_in(uow, actor, new, draft_id=draft.id)
            else:
                order = await create_order_from_draft(uow, actor, draft.id, new)
            draft.order_id, draft.order_number = order.id, order.number
            log(uow.session, draft, "quoted" if as_quote else "approved", actor,
                order_number=order.number)
            tell_sellers(uow, draft, "draft.decided", as_quote=as_quote)
            await uow.commit()
    except (PermissionDenied, DraftAlreadyDecided, DraftNotFound) as exc:
        metrics.claim_refused(exc)
        raise
    except OrderCoreError as exc:  # stock, validation: nothing was kept; tell the seller why
        metrics.CLAIMS.labels(outcome="failed").inc()
        await _record_failure(uow, actor, draft_id, str(exc))
        raise DraftApprovalFailed(str(exc)) from exc
    metrics.CLAIMS.labels(outcome="approved").inc()
    return Approval(draft, order)


async def _record_failure(uow: UnitOfWork, actor: Actor, draft_id: uuid.UUID, reason: str) -> None:
    async with uow:
        draft = await get_draft(uow.session, actor.shop_id, draft_id, lock=True)
        if not can_decide(draft.status):
            return
        draft.last_error = reason
        draft.updated_at = utcnow()
        log(uow.session, draft, "approve_failed", actor, reason=reason)
        await uow.commit()


async def reject_draft(uow: UnitOfWork, actor: Actor, draft_id: uuid.UUID,
                       reason: str | None = None) -> Draft:
    """Reject with a reason kept on the draft; refused like a second approval once decided."""
    actor.require(Permission.APPROVE_DRAFT)
    async with uow:
        draft = await _conditional_decide(uow.session, actor, draft_id, DraftStatus.REJECTED,
                                          utcnow(), reason=reason or "rejected by the seller")
        if draft is None:
            raise await _already_decided(uow.session, actor.shop_id, draft_id)
        log(uow.session, draft, "rejected", actor, reason=draft.reason)
        tell_sellers(uow, draft, "draft.decided")
        _tell_customer(uow, draft, "customer.draft_rejected", reason=draft.reason)
        await uow.commit()
    return draft


async def edit_draft(uow: UnitOfWork, actor: Actor, draft_id: uuid.UUID,
                     edits: Sequence[Mapping[str, Any]], catalogs: CatalogCache) -> Draft:
    """A seller's changes before approval; confidence recomputed, the edit recorded."""
    actor.require(Permission.APPROVE_DRAFT)
    async with uow:
        draft = await get_draft(uow.session, actor.shop_id, draft_id, lock=True)
        if not can_decide(draft.status):
            raise DraftAlreadyDecided.of(draft)
        shop = await uow.shops.get(actor.shop_id)
        catalog = await catalogs.get(uow.session, shop)
        before = draft.confidence
        draft.content = apply_edits(draft.content, edits, catalog)
        draft.confidence = draft.content["confidence"]
        draft.edited, draft.last_error = True, None
        draft.version += 1
        draft.updated_at = utcnow()
        log(uow.session, draft, "edited", actor, edits=list(map(dict, edits)),
            confidence_before=before, confidence_after=draft.confidence)
        tell_sellers(uow, draft, "draft.updated")
        await uow.commit()
    return draft


async def expire_drafts(uow: UnitOfWork, now: datetime | None = None) -> int:
    """The sweep: every pending draft past its expiry becomes `expired`, reason kept.

    The same conditional UPDATE as the claim, so a racing approval and the sweep can never
    both win: the draft ends approved with one order, or expired with none.
    """
    now = now or utcnow()
    async with uow:
        rows = list((await uow.session.scalars(
            update(Draft)
            .where(Draft.status == DraftStatus.PENDING_REVIEW, Draft.expires_at <= now)
            .values(status=DraftStatus.EXPIRED, decided_at=now, updated_at=now,
                    version=Draft.version + 1,
                    reason="expired: no seller decided before " + now.strftime("%Y-%m-%d %H:%M UTC"))
            .returning(Draft)
            .execution_options(synchronize_session=False))).all())
        for draft in rows:
            log(uow.session, draft, "expired", None, reason=draft.reason)
            tell_sellers(uow, draft, "draft.decided")
        await uow.commit()
    return len(rows)


def _tell_customer(uow: UnitOfWork, draft: Draft, kind: str, **facts: Any) -> None:
    if not (draft.channel and draft.chat_id):
        return
    uow.outbox.add(draft.shop_id, kind, draft.chat_id,
                   {"draft_id": str(draft.id), "content": draft.content, **facts},
                   channel=draft.channel, idempotency_key=f"draft:{draft.id}:{kind}:v{draft.version}")
