"""Customers' taps on the buttons under their own order's notices in Telegram ([Accept],
[Received it], [I paid]): verified like every button, done by `ingestion.customer_actions`,
answered on the tap in the shop's language. They reach the desk because every tap does."""
from __future__ import annotations

from telegram import Update

from bot import messages
from bot.models import TELEGRAM
from bot.seller.chat import Context, answer, pressed, shop_of
from ingestion.customer_actions import Answer, customer_action


async def act(update: Update, context: Context) -> None:
    """A customer's tap: find them by their Telegram identity, act, say what happened."""
    action, order_id = pressed(update, context)
    shop = shop_of(context)
    async with shop.uow().reading() as uow:
        customer = await uow.customers.by_identity(shop.shop_id, TELEGRAM,
                                                   str(update.effective_user.id))
        language = (await uow.shops.get(shop.shop_id)).language
    outcome = Answer("order_not_found") if customer is None else \
        await customer_action(shop.uow(), shop.shop_id, customer.id, action, order_id)
    await answer(update, messages.customer_text(
        "customer.reply", {"intent": outcome.intent, **outcome.facts}, None, language) or "")
