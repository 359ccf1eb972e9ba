"""The typed application keys the webhook handlers read (set up by `bot.server.init_app`)."""
from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.webhooks.telegram_bots import TelegramBots
from ingestion.worker import InboxWorker
from orders.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
SESSIONS = web.AppKey("sessions", async_sessionmaker[AsyncSession])
INBOX_WORKER = web.AppKey("inbox_worker", InboxWorker)
TELEGRAM_BOTS = web.AppKey("telegram_bots", TelegramBots)
