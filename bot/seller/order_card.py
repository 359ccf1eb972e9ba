"""One order as a chat message: its details and a button for everything the member may do now.
Moves come from the domain's transition table (minus those only a customer makes), the rest
from the flows the order is in; the services check both again when a button is tapped."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from telegram import Update

from bot.seller import prompts, texts
from bot.seller.chat import (Button, Context, answer, ask_in_chat, chat_key, keyboard, say,
                             shop_of)
from orders.domain import financial
from orders.domain import status as order_status
from orders.domain.actors import Actor
from orders.domain.production import checklist_of, stages_of
from orders.domain.roles import Permission, can
from orders.errors import OrderNotFound
from orders.models import Order
from orders.services import get_order
from orders.views import order_view

# Moves a button may offer, in the order they are shown; others follow alphabetically.
MOVE_ORDER = ("confirmed", "packed", "shipped", "delivered", "completed", "cancelled", "refunded")
# Moves that ask something first: a refund asks the amount, shipping the tracking number.
ASKING = {"refunded": "trefunded", "shipped": "sh"}


def move_buttons(actor: Actor, found: Order) -> list[Button]:
    allowed = [str(s) for s in order_status.ALLOWED.get(order_status.OrderStatus(found.status), ())
               if s not in order_status.NOT_BY_SELLER]
    allowed.sort(key=lambda s: (MOVE_ORDER.index(s) if s in MOVE_ORDER else len(MOVE_ORDER), s))
    return [(texts.move_label(s), ASKING.get(s, f"t{s}"), found.id) for s in allowed
            if can(actor.role, Permission.REFUND if s == "refunded" else Permission.MOVE_ORDER)]


def flow_buttons(actor: Actor, found: Order, settings: dict[str, Any]) -> list[Button]:
    """Stages, checklist ticks, payment requests, tracking, invoice: what applies now."""
    out: list[Button] = []
    role, status, final = actor.role, found.status, found.status in ("cancelled", "refunded")
    if status == "confirmed" and can(role, Permission.MOVE_ORDER):
        stages = stages_of(settings)
        position = stages.index(found.stage) + 1 if found.stage in stages else 0
        if position < len(stages):
            out.append((f"Stage: {stages[position]}"[:40], "sa", found.id))
    if status == "confirmed" and can(role, Permission.FULFILL):
        ticked = found.checklist or {}
        out += [(f"Tick: {item.name}"[:40], f"ck{i}", found.id)
                for i, item in enumerate(checklist_of(settings)) if item.name not in ticked]
    if can(role, Permission.RECORD_PAYMENT) and status not in order_status.QUOTES and not final:
        if found.financial_status == financial.FinancialStatus.AWAITING_PAYMENT:
            out.append(("Withdraw payment request", "rw", found.id))
        elif found.financial_status in financial.REQUESTABLE:
            out.append(("Request payment", "rq", found.id))
        out.append(("Record payment", "pp", found.id))
    if can(role, Permission.FULFILL) and status in order_status.EDITABLE and \
            status not in order_status.QUOTES:
        out += [("Invoice URL", "oi", found.id), ("Label URL", "ol", found.id)]
    if status == "shipped" and can(role, Permission.FULFILL):
        out.append(("Change tracking", "ct", found.id))
    if found.invoice_id is None and status not in order_status.QUOTES and \
            status != "cancelled" and can(role, Permission.RECORD_PAYMENT):
        out.append(("Issue invoice", "iv", found.id))
    return out


def order_buttons(actor: Actor, found: Order, settings: dict[str, Any]) -> list[list[Button]]:
    moves, flows = move_buttons(actor, found), flow_buttons(actor, found, settings)
    rows = [moves[:3], moves[3:]] + [flows[i:i + 2] for i in range(0, len(flows), 2)]
    return rows + [[("History", "oh", found.id)]]


async def say_order(update: Update, context: Context, actor: Actor, found: Order) -> None:
    await say(update, context, texts.order_details(order_view(found)),
              order_buttons(actor, found, await shop_settings(context)))


async def redraw(update: Update, context: Context, actor: Actor, found: Order) -> None:
    """The tapped order message shows the order's new state and buttons."""
    await update.callback_query.edit_message_text(
        texts.order_details(order_view(found)),
        reply_markup=keyboard(context, order_buttons(actor, found, await shop_settings(context))))


async def done(update: Update, context: Context, actor: Actor, found: Order, text: str) -> None:
    """A question answered: forget it, say so, show the order again."""
    user, chat = chat_key(update)
    async with shop_of(context).uow() as uow:
        await prompts.forget(uow, shop_of(context).shop_id, user, chat)
        await uow.commit()
    await answer(update, text)
    await say_order(update, context, actor, found)


async def ask(update: Update, context: Context, found: Order, kind: str, question: str,
              **data: Any) -> None:
    user, chat = chat_key(update)
    async with shop_of(context).uow() as uow:
        await prompts.ask(uow, shop_of(context).shop_id, user, chat, kind, found.id,
                          number=found.number, **data)
        await uow.commit()
    await answer(update, "")
    await ask_in_chat(update, context, question)


async def ask_document(update: Update, context: Context, found: Order, *, then_pack: bool,
                       which: str | None = None, attached: str | None = None) -> None:
    """Ask for a document's URL; on the way to packing, for each one still missing."""
    which = which or ("invoice" if not found.invoice_url else "label")
    if attached:
        why = f"{attached.capitalize()} attached. "
    elif then_pack:
        why = f"{found.number} needs an invoice and a shipping label before packing. "
    else:
        why = ""
    await ask(update, context, found, "order_document",
              f"{why}Send the {which} URL for {found.number}.", which=which, then_pack=then_pack)


async def order_by_id(context: Context, actor: Actor, order_id: uuid.UUID) -> Order:
    async with shop_of(context).uow().reading() as uow:
        number = await uow.session.scalar(select(Order.number).where(
            Order.shop_id == actor.shop_id, Order.id == order_id))
    if number is None:
        raise OrderNotFound(order_id)
    return await get_order(shop_of(context).uow(), actor, number)


async def shop_settings(context: Context) -> dict[str, Any]:
    async with shop_of(context).uow().reading() as uow:
        return dict((await uow.shops.get(shop_of(context).shop_id)).settings or {})
