"""Every chat handler in one table, and the one error handler that turns refusals into answers.

A button's `callback_data` is `action:ref:signature` (bot/outbox/callbacks.py); the patterns
below route on the action, and each handler verifies the signature before doing anything. A
button nobody signed falls through to `refuse`, which verifies and therefore refuses it.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.models import SellerPrompt
from bot.outbox.callbacks import ForgedCallback
from bot.seller import customer_chat, drafts_chat, flows_chat, members_chat, orders_chat, prompts
from bot.seller.chat import Context, NotASeller, answer, chat_key, pressed, shop_of
from ingestion.errors import IngestionError
from orders.domain.actors import Actor
from orders.errors import OrderCoreError
from orders.services.invites import member_by_telegram
from orders.services.shops import actor_of

log = logging.getLogger("orderbot.seller")

Answer = Callable[[Update, Context, Actor, SellerPrompt, str], Awaitable[None]]
# What a text answers, by the question the chat is waiting on.
ANSWERS: dict[str, Answer] = {
    "reject_reason": drafts_chat.reject_with_reason,
    "draft_quantity": drafts_chat.set_quantity,
    "draft_options": drafts_chat.set_options,
    "draft_add": drafts_chat.add_item,
    "draft_address": drafts_chat.set_address,
    "order_payment": orders_chat.take_payment,
    "order_refund": orders_chat.take_refund,
    "order_document": orders_chat.take_document,
    "order_tracking": flows_chat.take_tracking,
    "order_check_photo": flows_chat.take_photo,
}


async def answer_text(update: Update, context: Context) -> None:
    """A seller's words: the answer to the question this chat is waiting on."""
    shop = shop_of(context)
    user, chat = chat_key(update)
    async with shop.uow().reading() as uow:
        member = await member_by_telegram(uow, shop.shop_id, user)
        prompt = await prompts.waiting(uow, shop.shop_id, user, chat) if member else None
    if prompt is not None:
        message = update.effective_message
        return await ANSWERS[prompt.kind](update, context, actor_of(member), prompt,
                                          message.text or message.caption or "")
    if update.effective_chat.type == "private":  # a group's own talk is not for the bot
        if member is None:
            raise NotASeller
        await answer(update, "I'm not waiting for anything from you. /help lists what you can do.")


async def refuse(update: Update, context: Context) -> None:
    """A button with an action we never made: verifying it refuses it."""
    pressed(update, context)
    await answer(update, "This button does nothing.", alert=True)


HANDLERS: list[BaseHandler] = [
    CommandHandler("start", members_chat.start),
    CommandHandler("help", members_chat.help_),
    CommandHandler("cancel", members_chat.cancel),
    CommandHandler("linkgroup", members_chat.link_group),
    CommandHandler("orders", orders_chat.orders),
    CommandHandler("order", orders_chat.order),
    CommandHandler("quote", flows_chat.quote),
    CallbackQueryHandler(drafts_chat.approve, pattern=r"^a:"),
    CallbackQueryHandler(drafts_chat.reject, pattern=r"^r:"),
    CallbackQueryHandler(drafts_chat.reject_without_reason, pattern=r"^rn:"),
    CallbackQueryHandler(drafts_chat.send_as_quote, pattern=r"^q:"),
    CallbackQueryHandler(drafts_chat.edit, pattern=r"^e:"),
    CallbackQueryHandler(drafts_chat.edit_line, pattern=r"^el\d+:"),
    CallbackQueryHandler(drafts_chat.remove_line, pattern=r"^ex\d+:"),
    CallbackQueryHandler(drafts_chat.ask, pattern=r"^(eq\d+|eo\d+|ea|ed):"),
    CallbackQueryHandler(drafts_chat.done, pattern=r"^ec:"),
    CallbackQueryHandler(orders_chat.open_order, pattern=r"^oo:"),
    CallbackQueryHandler(orders_chat.more, pattern=r"^m[a-z]*:"),
    CallbackQueryHandler(orders_chat.move, pattern=r"^t[a-z]+:"),
    CallbackQueryHandler(orders_chat.ask_payment, pattern=r"^pp:"),
    CallbackQueryHandler(orders_chat.ask_for_document, pattern=r"^(oi|ol):"),
    CallbackQueryHandler(orders_chat.history, pattern=r"^oh:"),
    CallbackQueryHandler(flows_chat.act, pattern=r"^(sa|rq|rw|iv):"),
    CallbackQueryHandler(flows_chat.tick, pattern=r"^ck\d+:"),
    CallbackQueryHandler(flows_chat.ask_tracking, pattern=r"^(sh|ct):"),
    CallbackQueryHandler(customer_chat.act, pattern=r"^(qa|rc|ip):"),  # a customer's tap
    CallbackQueryHandler(refuse),
    MessageHandler((filters.TEXT & ~filters.COMMAND) | filters.PHOTO, answer_text),
    MessageHandler(filters.COMMAND, members_chat.help_),
]

# Refusals the person can act on: said to them, the update is done.
REFUSALS = (ForgedCallback, NotASeller, IngestionError, OrderCoreError)


async def on_error(update: object, context: Context) -> None:
    """Refusals are answered in the person's chat; anything else fails the inbox row (retried)."""
    error = context.error
    if isinstance(update, Update) and isinstance(error, REFUSALS):
        await answer(update, str(error), alert=True)
        return
    log.warning("chat handler failed: %r", error)
    if isinstance(update, Update):
        context.bot_data["failures"][update.update_id] = error
