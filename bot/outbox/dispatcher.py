"""The outbox dispatcher: an asyncio task (in `orderbot serve`, beside the inbox worker) that
claims due outbox rows under a lease, renders them (`bot/messages.py`), sends them through the
row's channel and records the outcome.

    dispatcher = OutboxDispatcher(session_factory, Senders(TelegramSender(url), GraphSender(url)))
    task = asyncio.create_task(dispatcher.run())    # dispatcher.wake() to look at once
    ...
    await dispatcher.stop(); await dispatcher.drain()   # graceful: flush what is due

Outcomes: sent -> `mark_sent`; 429 (the platform's or our own rate limit) -> put back until the
wait is over, *not* counted as an attempt; 5xx / timeouts -> exponential backoff with jitter,
dead after `max_attempts`; any other 4xx -> dead at once, with the platform's error kept.

Seller rows (recipient "sellers") fan out first: one transaction writes one child row per seller
chat (each member's private chat with the bot, and the seller group) with idempotency key
`<parent key>:<chat>` and marks the parent sent; each child is then an ordinary row.

At most once, honestly: a row is marked sent in its own transaction right after the platform's
200. If the process dies between that 200 and the commit, the row's lease runs out and it is
sent again: that window (milliseconds) is the one way a message goes out twice. Rows leased by a
process that died are simply retried when their lease ends.
"""
from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.models import INSTAGRAM, TELEGRAM, WHATSAPP, Channel
from bot.ops import metrics
from bot.outbox import callbacks, documents
from bot.outbox.errors import RateLimited, Rejected, SendError, Transient
from bot.outbox.graph import GraphSender
from bot.outbox.models import CardDelivery
from bot.outbox.rendering import CARD_KINDS, Rendered, render
from bot.outbox.telegram import TelegramSender
from bot.webhooks.channels import first_shop_channel
from ingestion.drafts.service import SELLERS
from ingestion.loop import ClaimLoop
from orders.db import utcnow
from orders.models import Member, OutboxMessage, Shop
from orders.services import claim_due, load_catalog, mark_failed, mark_sent
from orders.uow import UnitOfWork

log = logging.getLogger("orderbot.outbox")


@dataclass
class Senders:
    telegram: TelegramSender
    graph: GraphSender

    async def close(self) -> None:
        await self.telegram.close()
        await self.graph.close()


class OutboxDispatcher(ClaimLoop):
    what = "outbox claim"
    log = log

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], senders: Senders, *,
                 batch: int = 20, lease: timedelta = timedelta(seconds=60), max_attempts: int = 8,
                 first_retry: float = 5.0, last_retry: float = 3600.0,
                 idle_wait: float = 0.5, public_base_url: str = "http://localhost:8080") -> None:
        self.session_factory, self.senders = session_factory, senders
        self.public_base_url = public_base_url  # invoice links for WhatsApp and Instagram
        self.batch, self.lease, self.max_attempts = batch, lease, max_attempts
        self.first_retry, self.last_retry, self.idle_wait = first_retry, last_retry, idle_wait
        super().__init__()

    async def run_once(self) -> int:
        """Claim one batch and deliver it; returns how many rows were claimed."""
        uow = UnitOfWork(self.session_factory)
        async with uow:
            rows = await claim_due(uow, limit=self.batch, lease=self.lease)
            await uow.commit()
        catalogs: dict[Any, Any] = {}
        for row in rows:
            await self.deliver(row, catalogs)
        return len(rows)

    async def deliver(self, row: OutboxMessage, catalogs: dict[Any, Any]) -> None:
        try:
            if row.recipient == SELLERS:
                await self._fan_out(row)
            else:
                await self._send(row, catalogs)
        except RateLimited as exc:
            await self._defer(row, exc.retry_after, str(exc))
        except Rejected as exc:
            await self._failed(row, str(exc), dead=True)
        except asyncio.CancelledError:
            raise  # the lease runs out and the row is retried
        except Exception as exc:  # noqa: BLE001  Transient, or anything unforeseen: retried
            if not isinstance(exc, SendError):
                log.warning("outbox row failed: %r", exc, extra={"outbox": str(row.id)})
            await self._failed(row, exc if isinstance(exc, Transient) else f"{type(exc).__name__}: {exc}")

    # ---- fan-out of seller rows --------------------------------------------------------------

    async def _fan_out(self, row: OutboxMessage) -> None:
        uow = UnitOfWork(self.session_factory)
        async with uow:
            shop = await uow.session.get(Shop, row.shop_id)
            chats = [str(user) for user in await uow.session.scalars(
                select(Member.telegram_user_id).where(
                    Member.shop_id == row.shop_id, Member.telegram_user_id.is_not(None),
                    Member.deactivated_at.is_(None)).order_by(Member.created_at))]
            group = (shop.settings or {}).get("seller_group_chat_id") if shop else None
            chats += [str(group)] if group else []
            for chat in dict.fromkeys(chats):
                uow.outbox.add(row.shop_id, row.kind, chat, {**row.payload, "parent": str(row.id)},
                               channel=TELEGRAM, idempotency_key=f"{row.idempotency_key}:{chat}")
            await mark_sent(uow, row)
            await uow.commit()
        self.wake()

    # ---- one recipient -----------------------------------------------------------------------

    async def _send(self, row: OutboxMessage, catalogs: dict[Any, Any]) -> None:
        if row.shop_id not in catalogs:
            catalogs[row.shop_id] = await load_catalog(UnitOfWork(self.session_factory), row.shop_id)
        uow = UnitOfWork(self.session_factory)
        async with uow.reading():
            rendered = await render(uow, row, catalogs[row.shop_id])
            channel = await _channel(uow.session, row.shop_id, row.channel)
            card = await _card(uow.session, row, rendered) if row.channel == TELEGRAM else None
            if card is None and row.kind != "draft.created" and await _card_on_its_way(uow.session, row):
                # Edits wait for the card they edit (it is being retried), else the chat would
                # end with a fresh card, buttons and all, under the decision.
                raise RateLimited(1.0, "(waiting for the card it edits)")
        if rendered.text is None and row.kind not in documents.DOCUMENT_KINDS:
            log.info("outbox row has nothing to say", extra={"kind": row.kind})
            return await self._sent(row, None, None)
        if channel is None or not channel.token:
            raise Rejected(f"the shop has no {row.channel or 'chat'} channel to reach "
                           f"{row.recipient} through")
        if row.kind in documents.DOCUMENT_KINDS:
            message_id = await documents.send_invoice(
                self.senders.telegram, self.senders.graph, self.session_factory,
                self.public_base_url, channel, row, rendered.text)
            return await self._sent(row, None, message_id)
        message_id = await self._through(channel, row, rendered, card)
        await self._sent(row, rendered if row.kind in CARD_KINDS + ("draft.decided",) else None,
                         message_id)

    async def _through(self, channel: Channel, row: OutboxMessage, rendered: Rendered,
                       card: CardDelivery | None) -> str:
        text, to = rendered.text or "", row.recipient
        # A customer's order button: the same signed token as Telegram's callback_data, keyed
        # by the channel's own secret (the one its webhook verifies taps with).
        actions = [(label, callbacks.sign(channel.secret, action, rendered.order_id))
                   for label, action in rendered.actions]
        if channel.kind == TELEGRAM:
            buttons = [[(label, callbacks.sign(channel.secret, action, rendered.draft_id))
                        for label, action in row] for row in callbacks.CARD_BUTTONS
                       ] if rendered.with_buttons and rendered.draft_id else actions
            if card is not None and row.kind != "draft.created":
                return await self.senders.telegram.edit(channel.token, to, card.message_id, text,
                                                        buttons)
            return await self.senders.telegram.send(channel.token, to, text, buttons)
        if channel.kind == WHATSAPP:
            return await self.senders.graph.whatsapp(channel.account_id, channel.token, to, text,
                                                     actions, choices=rendered.choices)
        if actions:
            return await documents.send_instagram_buttons(self.senders.graph, channel, to, text,
                                                          actions)
        return await self.senders.graph.instagram(channel.account_id, channel.token, to, text)

    # ---- outcomes ----------------------------------------------------------------------------

    async def _sent(self, row: OutboxMessage, card: Rendered | None, message_id: str | None) -> None:
        uow = UnitOfWork(self.session_factory)
        async with uow:
            await mark_sent(uow, row)
            if card is not None and card.draft_id and message_id:
                await _record_card(uow.session, row, card, message_id)
            await uow.commit()
        metrics.outbox_outcome(row.channel, "sent")

    async def _defer(self, row: OutboxMessage, seconds: float, error: str) -> None:
        """A rate limit is a wait, not a failure: the attempt `claim_due` counted is handed back."""
        uow = UnitOfWork(self.session_factory)
        async with uow:
            mine = await uow.session.get(OutboxMessage, (row.shop_id, row.id), with_for_update=True,
                                         populate_existing=True)
            mine.attempts = max(mine.attempts - 1, 0)
            mine.next_attempt_at = utcnow() + timedelta(seconds=seconds)
            mine.last_error = error
            await uow.commit()
        metrics.outbox_outcome(row.channel, "rate_limited")

    async def _failed(self, row: OutboxMessage, error: Any, *, dead: bool = False) -> None:
        base = min(self.first_retry * 2 ** max(row.attempts - 1, 0), self.last_retry)
        retry_in = timedelta(seconds=random.uniform(base / 2, base))  # jitter: no thundering herd
        uow = UnitOfWork(self.session_factory)
        async with uow:
            status = (await mark_failed(uow, row, str(error), retry_in=retry_in,
                                        max_attempts=0 if dead else self.max_attempts)).status
            await uow.commit()
        metrics.outbox_outcome(row.channel, "dead" if status == "dead" else "failed")


async def _channel(session: AsyncSession, shop_id: Any, kind: str | None) -> Channel | None:
    if kind not in (TELEGRAM, WHATSAPP, INSTAGRAM):
        return None
    stored = await session.get(Channel, (shop_id, kind))
    if stored is not None:
        return stored
    first = await first_shop_channel(session, kind)
    return first[1] if first is not None and first[1].shop_id == shop_id else None


async def _card(session: AsyncSession, row: OutboxMessage, rendered: Rendered) -> CardDelivery | None:
    if rendered.draft_id is None:
        return None
    return await session.scalar(select(CardDelivery).where(
        CardDelivery.shop_id == row.shop_id, CardDelivery.draft_id == rendered.draft_id,
        CardDelivery.chat_id == row.recipient))


async def _card_on_its_way(session: AsyncSession, row: OutboxMessage) -> bool:
    key = f"draft:{row.payload.get('draft_id')}:draft.created:v1:{row.recipient}"
    return await session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.shop_id == row.shop_id, OutboxMessage.idempotency_key == key,
        OutboxMessage.status == "pending")) is not None


async def _record_card(session: AsyncSession, row: OutboxMessage, card: Rendered,
                       message_id: str) -> None:
    known = await _card(session, row, card)
    if known is None:
        session.add(CardDelivery(shop_id=row.shop_id, draft_id=card.draft_id,
                                 chat_id=row.recipient, message_id=message_id, created_at=utcnow()))
    else:
        known.message_id = message_id
