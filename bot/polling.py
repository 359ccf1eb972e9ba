"""Telegram in polling mode, for development (`orderbot serve --polling`): no public URL needed.

One poller per shop bot loops `getUpdates` (python-telegram-bot's `Bot.get_updates`), turns each
update into inbox rows exactly as the webhook does (`bot.webhooks.telegram.incoming`), stores
them in one committed transaction and only then advances the offset, which is what confirms the
updates to Telegram. A crash between the two gets the batch served again; the inbox's unique key
(shop, channel, update_id) makes the second store a no-op, so nothing is lost or doubled.

Polling and a webhook exclude each other at Telegram (getUpdates answers 409 while a webhook is
set), so each poller deletes its bot's webhook first; `orderbot telegram set-webhook` puts it
back. The shops polled are those with a Telegram channel when the server starts.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.error import RetryAfter, TelegramError

from bot.cli.telegram import ALLOWED_UPDATES
from bot.models import Channel
from bot.settings import BotSettings
from bot.webhooks import channels, telegram
from bot.webhooks.keys import INBOX_WORKER, SESSIONS
from ingestion import inbox
from orders.uow import UnitOfWork

log = logging.getLogger("orderbot.polling")

POLL_TIMEOUT = 25      # seconds Telegram holds a getUpdates open when there is nothing to serve
ERROR_PAUSE = 3.0      # after a failed poll or store, before polling again (same offset)


class TelegramPoller:
    """getUpdates -> inbox for one shop's bot."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], channel: Channel,
                 base_url: str, *, timeout: int = POLL_TIMEOUT,
                 on_stored: Callable[[], None] = lambda: None) -> None:
        self.sessions, self.shop_id = sessions, channel.shop_id
        self.bot = Bot(channel.token, base_url=base_url)
        self.timeout, self.on_stored = timeout, on_stored
        self.offset: int | None = None

    async def poll_once(self) -> int:
        """One getUpdates; store what it serves, then advance the offset. Returns rows added."""
        updates = await self.bot.get_updates(offset=self.offset, timeout=self.timeout,
                                             allowed_updates=list(ALLOWED_UPDATES))
        if not updates:
            return 0
        messages = [m for update in updates for m in telegram.incoming(self.shop_id, update)]
        fresh: list[bool] = []
        if messages:
            async with UnitOfWork(self.sessions) as uow:
                fresh = await inbox.store(uow.session, messages)
                await uow.commit()
        self.offset = max(update.update_id for update in updates) + 1
        if any(fresh):
            self.on_stored()
        return sum(fresh)

    async def run(self, stopping: asyncio.Event) -> None:
        """Poll until `stopping` is set; failures pause and poll again from the same offset."""
        async with self.bot:
            await self.bot.delete_webhook()
            while not stopping.is_set():
                try:
                    await self.poll_once()
                except Exception as exc:  # noqa: BLE001  (logged, paused, retried: must not die)
                    pause = _pause(exc)
                    log.warning("telegram polling failed for shop %s (%r); again in %ss",
                                self.shop_id, exc, pause)
                    try:
                        await asyncio.wait_for(stopping.wait(), pause)
                    except TimeoutError:
                        pass


def _pause(exc: Exception) -> float:
    if isinstance(exc, RetryAfter):
        wait = exc.retry_after
        return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
    return ERROR_PAUSE if isinstance(exc, TelegramError) else ERROR_PAUSE * 2


def pollers(settings: BotSettings):
    """A cleanup_ctx for the webhook app: a poller task per shop bot, stopped on shutdown.
    Appended after the app's database and inbox worker, so both are there."""
    async def telegram_polling(app: web.Application) -> AsyncIterator[None]:
        async with UnitOfWork(app[SESSIONS]).reading() as uow:
            found = await channels.telegram_all(uow.session, settings)
        stopping = asyncio.Event()
        tasks = [asyncio.create_task(
            TelegramPoller(app[SESSIONS], channel, settings.TELEGRAM_API_BASE_URL,
                           on_stored=app[INBOX_WORKER].wake).run(stopping),
            name=f"telegram-polling-{channel.shop_id}") for channel in found]
        log.info("polling Telegram for %d shop bot(s)", len(tasks))
        yield
        stopping.set()
        for task in tasks:
            task.cancel()  # a getUpdates may be held open for POLL_TIMEOUT seconds
        await asyncio.gather(*tasks, return_exceptions=True)
    return telegram_polling
