"""Orders in the seller's chat: `/orders` (newest first, a page at a time), `/order ORD-00042`
(the order with a button for each move allowed now), payments, refunds, the packing documents
and the history. The buttons come from the domain's transition table and the member's role;
the services check both again, so a button that is stale or not yours is refused there."""
from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from telegram import Update

from bot.models import SellerPrompt
from bot.seller import prompts, texts
from bot.seller.chat import ask_in_chat, Button, Context, answer, chat_key, keyboard, pressed, say, seller_of, shop_of
from orders.domain import status as order_status
from orders.domain.actors import Actor
from orders.domain.roles import Permission, can
from orders.errors import InvalidInput, OrderNotFound
from orders.models import Member, Order
from orders.pagination import encode_cursor
from orders.services import (
    OrderFilter,
    attach_documents,
    get_order,
    list_orders,
    order_history,
    record_payment,
    refund_order,
    transition_order,
)
from orders.views import history_view, order_view

PAGE = 5
# Moves a button may offer, in the order they are shown; others follow alphabetically.
MOVE_ORDER = ("confirmed", "packed", "shipped", "delivered", "completed", "cancelled", "refunded")


# ---- lists and details -------------------------------------------------------------------


async def orders(update: Update, context: Context) -> None:
    """/orders [status]: the newest orders, a page at a time, each a button."""
    status = context.args[0].lower() if context.args else None
    await _page(update, context, await seller_of(update, context), status, None)


async def more(update: Update, context: Context) -> None:
    """More: the page after the last order shown."""
    action, last_id = pressed(update, context)
    actor = await seller_of(update, context)
    last = await _order_by_id(context, actor, last_id)
    await answer(update, "")
    await _page(update, context, actor, action[1:] or None, encode_cursor(last))


async def order(update: Update, context: Context) -> None:
    """/order ORD-00042: the order, with what you may do next."""
    if not context.args:
        raise InvalidInput("Which order? Send /order ORD-00042.")
    actor = await seller_of(update, context)
    found = await get_order(shop_of(context).uow(), actor, _number(context.args[0]))
    await say_order(update, context, actor, found)


async def open_order(update: Update, context: Context) -> None:
    """An order's button on a list: its details."""
    _, order_id = pressed(update, context)
    actor = await seller_of(update, context)
    found = await _order_by_id(context, actor, order_id)
    await answer(update, "")
    await say_order(update, context, actor, found)


async def history(update: Update, context: Context) -> None:
    """History: every change to the order, who made it and when."""
    _, order_id = pressed(update, context)
    actor = await seller_of(update, context)
    found = await _order_by_id(context, actor, order_id)
    rows = [history_view(r) for r in await order_history(shop_of(context).uow(), actor, found.number)]
    names = await _member_names(context, actor)
    await answer(update, "")
    await say(update, context, texts.history_text(found.number, rows, names))


# ---- moves -------------------------------------------------------------------------------


async def move(update: Update, context: Context) -> None:
    """Confirm, Mark packed, Ship, Deliver, Cancel: the move, then the order as it is now."""
    action, order_id = pressed(update, context)
    actor = await seller_of(update, context)
    found, target = await _order_by_id(context, actor, order_id), action[1:]
    if target == order_status.OrderStatus.REFUNDED:
        return await _ask(update, context, found, "order_refund",
                          f"How much to refund for {found.number}? Send an amount, or \"all\" "
                          f"for {found.total} {found.currency}.")
    if target == order_status.OrderStatus.PACKED and not (found.invoice_url and found.label_url):
        return await _ask_document(update, context, found, then_pack=True)
    moved = await transition_order(shop_of(context).uow(), actor, found.number, target)
    await answer(update, f"{moved.number} is now {moved.status}.")
    await _redraw(update, context, actor, moved)


async def ask_payment(update: Update, context: Context) -> None:
    """Record payment: ask for the amount received."""
    _, order_id = pressed(update, context)
    found = await _order_by_id(context, await seller_of(update, context), order_id)
    await _ask(update, context, found, "order_payment",
               f"How much was paid for {found.number} (total {found.total} {found.currency})?")


async def ask_document(update: Update, context: Context) -> None:
    """Invoice / Label: ask for the document's URL."""
    action, order_id = pressed(update, context)
    found = await _order_by_id(context, await seller_of(update, context), order_id)
    await _ask_document(update, context, found, then_pack=False,
                        which="invoice" if action == "oi" else "label")


async def take_payment(update: Update, context: Context, actor: Actor, prompt: SellerPrompt,
                       text: str) -> None:
    number = prompt.data["number"]
    paid = await record_payment(shop_of(context).uow(), actor, number, _amount(text),
                                method="recorded in chat", reference=f"telegram:{update.update_id}")
    await _done(update, context, actor, paid, f"Payment recorded for {number}.")


async def take_refund(update: Update, context: Context, actor: Actor, prompt: SellerPrompt,
                      text: str) -> None:
    number = prompt.data["number"]
    found = await get_order(shop_of(context).uow(), actor, number)
    amount = found.total if text.strip().lower() in ("all", "full", "everything") else _amount(text)
    refunded = await refund_order(shop_of(context).uow(), actor, number, amount,
                                  reference=f"telegram:{update.update_id}")
    await _done(update, context, actor, refunded, f"Refund recorded for {number}.")


async def take_document(update: Update, context: Context, actor: Actor, prompt: SellerPrompt,
                        text: str) -> None:
    url, which, number = text.strip(), prompt.data["which"], prompt.data["number"]
    if not url.lower().startswith(("https://", "http://")) or " " in url:
        raise InvalidInput(f"Send the {which}'s address (a link starting with https://).")
    uow = shop_of(context).uow()
    found = await attach_documents(uow, actor, number, **{f"{which}_url": url})
    if prompt.data.get("then_pack") and not (found.invoice_url and found.label_url):
        return await _ask_document(update, context, found, then_pack=True)
    if prompt.data.get("then_pack"):
        found = await transition_order(shop_of(context).uow(), actor, number, "packed")
    await _done(update, context, actor, found, f"{which.capitalize()} attached to {number}.")


# ---- shared steps ------------------------------------------------------------------------


def order_buttons(actor: Actor, found: Order) -> list[list[Button]]:
    """A button per move the table allows now and the role may make, then payments and more."""
    allowed = [str(s) for s in order_status.ALLOWED.get(order_status.OrderStatus(found.status), ())]
    allowed.sort(key=lambda s: (MOVE_ORDER.index(s) if s in MOVE_ORDER else len(MOVE_ORDER), s))
    moves = [(texts.move_label(s), f"t{s}", found.id) for s in allowed
             if can(actor.role, Permission.REFUND if s == "refunded" else Permission.MOVE_ORDER)]
    extra: list[Button] = []
    final = found.status in ("cancelled", "refunded")
    if can(actor.role, Permission.RECORD_PAYMENT) and not final:
        extra.append(("Record payment", "pp", found.id))
    if can(actor.role, Permission.FULFILL) and found.status in order_status.EDITABLE:
        extra += [("Invoice URL", "oi", found.id), ("Label URL", "ol", found.id)]
    return [moves[:3], moves[3:], extra, [("History", "oh", found.id)]]


async def say_order(update: Update, context: Context, actor: Actor, found: Order) -> None:
    await say(update, context, texts.order_details(order_view(found)), order_buttons(actor, found))


async def _redraw(update: Update, context: Context, actor: Actor, found: Order) -> None:
    """The order's message shows its new state and buttons."""
    await update.callback_query.edit_message_text(
        texts.order_details(order_view(found)),
        reply_markup=keyboard(context, order_buttons(actor, found)))


async def _done(update: Update, context: Context, actor: Actor, found: Order, text: str) -> None:
    user, chat = chat_key(update)
    async with shop_of(context).uow() as uow:
        await prompts.forget(uow, shop_of(context).shop_id, user, chat)
        await uow.commit()
    await answer(update, text)
    await say_order(update, context, actor, found)


async def _ask(update: Update, context: Context, found: Order, kind: str, question: str,
               **data: Any) -> None:
    user, chat = chat_key(update)
    async with shop_of(context).uow() as uow:
        await prompts.ask(uow, shop_of(context).shop_id, user, chat, kind, found.id,
                          number=found.number, **data)
        await uow.commit()
    await answer(update, "")
    await ask_in_chat(update, context, question)


async def _ask_document(update: Update, context: Context, found: Order, *, then_pack: bool,
                        which: str | None = None) -> None:
    which = which or ("invoice" if not found.invoice_url else "label")
    why = f" {found.number} needs an invoice and a shipping label before packing." if then_pack else ""
    await _ask(update, context, found, "order_document",
               f"{why} Send the {which} URL for {found.number}.".strip(),
               which=which, then_pack=then_pack)


async def _page(update: Update, context: Context, actor: Actor, status: str | None,
                cursor: str | None) -> None:
    page = await list_orders(shop_of(context).uow(), actor, OrderFilter(status=status),
                             cursor=cursor, limit=PAGE)
    views = [order_view(o) for o in page.items]
    rows: list[list[Button]] = [[(texts.order_summary(v)[:60], "oo", o.id)]
                                for v, o in zip(views, page.items, strict=True)]
    if page.next_cursor:
        rows.append([("More", "m" + (status or ""), page.items[-1].id)])
    await say(update, context, texts.order_list(views, status, bool(page.next_cursor)), rows)


async def _order_by_id(context: Context, actor: Actor, order_id: uuid.UUID) -> Order:
    async with shop_of(context).uow().reading() as uow:
        number = await uow.session.scalar(select(Order.number).where(
            Order.shop_id == actor.shop_id, Order.id == order_id))
    if number is None:
        raise OrderNotFound(order_id)
    return await get_order(shop_of(context).uow(), actor, number)


async def _member_names(context: Context, actor: Actor) -> dict[str, str]:
    async with shop_of(context).uow().reading() as uow:
        rows = await uow.session.execute(select(Member.id, Member.name).where(
            Member.shop_id == actor.shop_id))
        return {str(i): n for i, n in rows}


def _number(text: str) -> str:
    text = text.strip().upper()
    return f"ORD-{int(text):05d}" if text.isdigit() else text


def _amount(text: str) -> Decimal:
    cleaned = text.strip().lstrip("$€£").replace(",", ".").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(f"Send an amount like 12.50, not {text.strip()!r}.") from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput("The amount must be more than zero.")
    return amount
