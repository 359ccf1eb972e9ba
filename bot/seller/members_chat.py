"""Who the seller is: `/start CODE` (an invite from `orderbot shop invite`), `/help`, `/cancel`
and `/linkgroup` (cards also go to this group chat)."""
from __future__ import annotations

from telegram import Update

from bot.seller import prompts, texts
from bot.seller.chat import Context, answer, chat_key, seller_of, shop_of
from orders.domain.actors import Actor
from orders.errors import InvalidInput
from orders.services.invites import link_seller_group, redeem_invite


async def start(update: Update, context: Context) -> None:
    """/start CODE: become a member with the invite's role; /start alone: what you can do."""
    shop = shop_of(context)
    if not context.args:
        return await help_(update, context)
    user = update.effective_user
    member = await redeem_invite(shop.uow(), shop.shop_id, context.args[0],
                                 telegram_user_id=user.id, name=user.full_name)
    name = await _shop_name(context)
    await answer(update, texts.WELCOME.format(name=member.name, role=member.role, shop=name)
                 + texts.HELP.format(name=member.name, role=member.role, shop=name))


async def help_(update: Update, context: Context) -> None:
    """/help: what a seller can do here."""
    actor = await seller_of(update, context)
    await answer(update, _help(actor, await _shop_name(context)))


async def cancel(update: Update, context: Context) -> None:
    """/cancel: drop the question the bot is waiting on."""
    await seller_of(update, context)
    user, chat = chat_key(update)
    async with shop_of(context).uow() as uow:
        dropped = await prompts.forget(uow, shop_of(context).shop_id, user, chat)
        await uow.commit()
    await answer(update, "OK, forgotten." if dropped else "I was not waiting for anything.")


async def link_group(update: Update, context: Context) -> None:
    """/linkgroup (in a group, by an admin): every card also comes to this group."""
    if update.effective_chat.type not in ("group", "supergroup"):
        raise InvalidInput("Send /linkgroup in the group chat that should get the cards.")
    actor = await seller_of(update, context)
    await link_seller_group(shop_of(context).uow(), actor, update.effective_chat.id)
    await answer(update, "This group now gets every new order draft.")


def _help(actor: Actor, shop: str) -> str:
    return texts.HELP.format(name=actor.name, role=actor.role, shop=shop)


async def _shop_name(context: Context) -> str:
    async with shop_of(context).uow().reading() as uow:
        return (await uow.shops.get(shop_of(context).shop_id)).name
