"""What every chat handler needs: the shop it serves, the seller behind an update, signed buttons,
and one way to answer (a callback query is always answered; a message gets a reply)."""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.outbox import callbacks
from ingestion.catalogs import CatalogCache
from orders.domain.actors import Actor
from orders.services.invites import member_by_telegram
from orders.services.shops import actor_of
from orders.uow import UnitOfWork

Context = ContextTypes.DEFAULT_TYPE
Button = tuple[str, str, uuid.UUID]  # label, action, the draft or order it acts on


class NotASeller(Exception):
    def __init__(self) -> None:
        super().__init__("You are not a seller of this shop. Ask the shop's admin for an invite "
                         "code and send /start CODE.")


@dataclass(frozen=True)
class ShopChat:
    """One shop's bot: kept in its Application's `bot_data["shop"]`."""

    sessions: async_sessionmaker[AsyncSession]
    shop_id: uuid.UUID
    secret: str            # the webhook secret; it also keys the button signatures
    catalogs: CatalogCache

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)


def shop_of(context: Context) -> ShopChat:
    return context.bot_data["shop"]


async def seller_of(update: Update, context: Context) -> Actor:
    """The member behind the update, or NotASeller."""
    shop = shop_of(context)
    async with shop.uow().reading() as uow:
        member = await member_by_telegram(uow, shop.shop_id, update.effective_user.id)
    if member is None:
        raise NotASeller
    return actor_of(member)


def pressed(update: Update, context: Context) -> tuple[str, uuid.UUID]:
    """(action, id) of the tapped button; ForgedCallback unless we signed it."""
    return callbacks.verify(shop_of(context).secret, update.callback_query.data or "")


def keyboard(context: Context, rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    secret = shop_of(context).secret
    markup = [[InlineKeyboardButton(label, callback_data=callbacks.sign(secret, action, target))
               for label, action, target in row] for row in rows if row]
    return InlineKeyboardMarkup(markup) if markup else None


async def answer(update: Update, text: str, *, alert: bool = False) -> None:
    """A short answer: the tap's notification, or a reply to the message."""
    if update.callback_query is not None:
        await update.callback_query.answer(text[:200], show_alert=alert)
    elif text and update.effective_message is not None:
        await update.effective_message.reply_text(text)


async def say(update: Update, context: Context, text: str,
              rows: Sequence[Sequence[Button]] = ()) -> None:
    """A message in the chat the update came from, with buttons."""
    await context.bot.send_message(update.effective_chat.id, text[:4096],
                                   reply_markup=keyboard(context, rows))


async def ask_in_chat(update: Update, context: Context, question: str) -> None:
    """A question whose answer the bot must see: in a group (where bots with privacy mode read
    only commands and replies to them) it asks for a reply from this seller."""
    private = update.effective_chat.type == "private"
    await context.bot.send_message(
        update.effective_chat.id, question + " (/cancel to stop)",
        reply_markup=None if private else ForceReply(selective=True))


def chat_key(update: Update) -> tuple[int, str]:
    """(user, chat): whose question a text answers."""
    return update.effective_user.id, str(update.effective_chat.id)
