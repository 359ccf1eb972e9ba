"""The dispatcher's place in the aiohttp app: one `cleanup_ctx` entry, like the inbox worker's."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from bot.outbox.dispatcher import OutboxDispatcher, Senders
from bot.outbox.graph import GraphSender
from bot.outbox.telegram import TelegramSender
from bot.webhooks.keys import SESSIONS, SETTINGS

log = logging.getLogger("orderbot.outbox")

OUTBOX_DISPATCHER = web.AppKey("outbox_dispatcher", OutboxDispatcher)
STOP_TIMEOUT = 10.0   # seconds to finish the row in hand and flush what is already due


def outbox_dispatcher(run: bool):
    async def dispatcher_ctx(app: web.Application) -> AsyncIterator[None]:
        settings = app[SETTINGS]
        senders = Senders(TelegramSender(settings.TELEGRAM_API_BASE_URL),
                          GraphSender(settings.GRAPH_API_BASE_URL))
        dispatcher = app[OUTBOX_DISPATCHER] = OutboxDispatcher(
            app[SESSIONS], senders, public_base_url=settings.PUBLIC_BASE_URL)
        task = asyncio.create_task(dispatcher.run(), name="outbox-dispatcher") if run else None
        yield
        if task is not None:
            await dispatcher.stop()
            try:
                await asyncio.wait_for(_finish(task, dispatcher), STOP_TIMEOUT)
            except TimeoutError:
                log.warning("outbox dispatcher did not flush in time; leases will run out")
        await senders.close()
    return dispatcher_ctx


async def _finish(task: asyncio.Task, dispatcher: OutboxDispatcher) -> None:
    await task
    await dispatcher.drain()
