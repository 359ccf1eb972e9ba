"""The seller desk: which Telegram inbox rows are for the chat handlers, and replaying them there.

    desk = SellerDesk(sessions, "https://api.telegram.org/bot")
    handled = await desk.handle(row)     # False: a customer's words, for ingestion/processing
    await desk.close()

For the desk: every button tap (only our signed buttons exist), `/start CODE` (unless the
code is a quote's claim code, NNN-NNNN-NNN: that is a customer's), anything a
member of the shop sends, and anything said in the shop's seller group. The row's raw update
goes through the shop bot's python-telegram-bot `Application` (built with `updater(None)`:
updates come from our inbox, not from Telegram), whose handlers answer in the chat themselves.
A handler that fails for a reason other than a refusal makes `handle` raise, so the inbox
retries the row; the handlers' effects are safe to repeat.
"""
from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import Application

from bot.models import TELEGRAM, Channel
from bot.seller.chat import ShopChat
from bot.seller.handlers import HANDLERS, on_error
from bot.settings import BotSettings
from bot.webhooks.channels import first_shop_channel
from ingestion.catalogs import CatalogCache
from ingestion.models import InboxMessage
from orders.domain import claim_codes
from orders.services.invites import member_by_telegram
from orders.uow import UnitOfWork


class SellerDesk:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], base_url: str, *,
                 catalogs: CatalogCache | None = None, env: BotSettings | None = None) -> None:
        self.sessions, self.base_url, self.env = sessions, base_url, env
        self.catalogs = catalogs or CatalogCache()
        self._apps: dict[tuple[uuid.UUID, str], Application] = {}
        self._building = asyncio.Lock()

    async def handle(self, row: InboxMessage) -> bool:
        """Run the row through the chat handlers if it is theirs; False if it is a customer's."""
        message = row.message or {}
        if row.channel != TELEGRAM or not isinstance(message.get("update"), dict):
            return False
        async with UnitOfWork(self.sessions).reading() as uow:
            if not await self._is_for_desk(uow, row.shop_id, row.kind, message):
                return False
            channel = await uow.session.get(Channel, (row.shop_id, TELEGRAM))
            if channel is None:
                first = await first_shop_channel(uow.session, TELEGRAM, self.env)
                channel = first[1] if first and first[1].shop_id == row.shop_id else None
        if channel is None or not channel.token:
            return False  # no bot to answer with; the row is kept as a customer message
        app = await self.application(row.shop_id, channel.token, channel.secret)
        update = Update.de_json(message["update"], app.bot)
        await app.process_update(update)
        failure = app.bot_data["failures"].pop(update.update_id, None)
        if failure is not None:
            raise failure
        return True

    async def application(self, shop_id: uuid.UUID, token: str, secret: str) -> Application:
        """The shop bot's Application with the handler table (initialized once: one getMe)."""
        key = (shop_id, token)
        async with self._building:
            app = self._apps.get(key)
            if app is None:
                app = Application.builder().token(token).base_url(self.base_url).updater(None).build()
                app.add_handlers(HANDLERS)
                app.add_error_handler(on_error)
                app.bot_data.update(shop=ShopChat(self.sessions, shop_id, secret, self.catalogs),
                                    failures={})
                await app.initialize()
                self._apps[key] = app
        return app

    async def close(self) -> None:
        for app in self._apps.values():
            await app.shutdown()
        self._apps.clear()

    @staticmethod
    async def _is_for_desk(uow: UnitOfWork, shop_id: uuid.UUID, kind: str,
                           message: dict[str, Any]) -> bool:
        if kind == "callback":
            return True
        command, _, argument = str(message.get("text") or "").partition(" ")
        if command.split("@")[0] == "/start" and argument.strip():
            # A deep link with a quote's claim code is a customer's (even a seller's own test).
            return claim_codes.PATTERN.match(argument.strip()) is None
        sender = str(message.get("sender") or "")
        if sender.isdigit() and await member_by_telegram(uow, shop_id, int(sender)) is not None:
            return True
        shop = await uow.shops.get(shop_id)
        group = (shop.settings or {}).get("seller_group_chat_id")
        return group is not None and str(group) == str(message.get("chat"))
