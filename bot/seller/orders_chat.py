"""Orders in the seller's chat: `/orders` (newest first, a page at a time), `/order ORD-00042`
(the order with a button for each move allowed now), payments, refunds, the packing documents
and the history. The buttons come from the domain's transition table and the member's role;
the services check both again, so a button that is stale or not yours is refused there."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from telegram import Update

from bot.models import SellerPrompt
from bot.seller import texts
from bot.seller.chat import Button, Context, answer, pressed, say, seller_of, shop_of
from bot.seller.order_card import ask, ask_document, done, order_by_id, redraw, say_order
from orders.domain import status as order_status
from orders.domain.actors import Actor
from orders.errors import InvalidInput
from orders.models import Member
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


# ---- lists and details -------------------------------------------------------------------


async def orders(update: Update, context: Context) -> None:
    """/orders [status]: the newest orders, a page at a time, each a button."""
    status = context.args[0].lower() if context.args else None
    await _page(update, context, await seller_of(update, context), status, None)


async def more(update: Update, context: Context) -> None:
    """More: the page after the last order shown."""
    action, last_id = pressed(update, context)
    actor = await seller_of(update, context)
    last = await order_by_id(context, actor, last_id)
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
    found = await order_by_id(context, actor, order_id)
    await answer(update, "")
    await say_order(update, context, actor, found)


async def history(update: Update, context: Context) -> None:
    """History: every change to the order, who made it and when."""
    _, order_id = pressed(update, context)
    actor = await seller_of(update, context)
    found = await order_by_id(context, actor, order_id)
    rows = [history_view(r) for r in await order_history(shop_of(context).uow(), actor, found.number)]
    names = await _member_names(context, actor)
    await answer(update, "")
    await say(update, context, texts.history_text(found.number, rows, names))


# ---- moves -------------------------------------------------------------------------------


async def move(update: Update, context: Context) -> None:
    """Confirm, Mark packed, Ship, Deliver, Cancel: the move, then the order as it is now."""
    action, order_id = pressed(update, context)
    actor = await seller_of(update, context)
    found, target = await order_by_id(context, actor, order_id), action[1:]
    if target == order_status.OrderStatus.REFUNDED:
        return await ask(update, context, found, "order_refund",
                         f"How much to refund for {found.number}? Send an amount, or \"all\" "
                         f"for {found.total} {found.currency}.")
    if target == order_status.OrderStatus.PACKED and not (found.invoice_url and found.label_url):
        return await ask_document(update, context, found, then_pack=True)
    moved = await transition_order(shop_of(context).uow(), actor, found.number, target)
    await answer(update, f"{moved.number} is now {moved.status}.")
    await redraw(update, context, actor, moved)


async def ask_payment(update: Update, context: Context) -> None:
    """Record payment: ask for the amount received."""
    _, order_id = pressed(update, context)
    found = await order_by_id(context, await seller_of(update, context), order_id)
    await ask(update, context, found, "order_payment",
              f"How much was paid for {found.number} (total {found.total} {found.currency})?")


async def ask_for_document(update: Update, context: Context) -> None:
    """Invoice / Label: ask for the document's URL."""
    action, order_id = pressed(update, context)
    found = await order_by_id(context, await seller_of(update, context), order_id)
    await ask_document(update, context, found, then_pack=False,
                       which="invoice" if action == "oi" else "label")


async def take_payment(update: Update, context: Context, actor: Actor, prompt: SellerPrompt,
                       text: str) -> None:
    number = prompt.data["number"]
    paid = await record_payment(shop_of(context).uow(), actor, number, _amount(text),
                                method="recorded in chat", reference=f"telegram:{update.update_id}")
    await done(update, context, actor, paid, f"Payment recorded for {number}.")


async def take_refund(update: Update, context: Context, actor: Actor, prompt: SellerPrompt,
                      text: str) -> None:
    number = prompt.data["number"]
    found = await get_order(shop_of(context).uow(), actor, number)
    amount = found.total if text.strip().lower() in ("all", "full", "everything") else _amount(text)
    refunded = await refund_order(shop_of(context).uow(), actor, number, amount,
                                  reference=f"telegram:{update.update_id}")
    await done(update, context, actor, refunded, f"Refund recorded for {number}.")


async def take_document(update: Update, context: Context, actor: Actor, prompt: SellerPrompt,
                        text: str) -> None:
    url, which, number = text.strip(), prompt.data["which"], prompt.data["number"]
    if not url.lower().startswith(("https://", "http://")) or " " in url:
        raise InvalidInput(f"Send the {which}'s address (a link starting with https://).")
    uow = shop_of(context).uow()
    found = await attach_documents(uow, actor, number, **{f"{which}_url": url})
    if prompt.data.get("then_pack") and not (found.invoice_url and found.label_url):
        return await ask_document(update, context, found, then_pack=True, attached=which)
    said = f"{which.capitalize()} attached to {number}."
    if prompt.data.get("then_pack"):
        found = await transition_order(shop_of(context).uow(), actor, number, "packed")
        said = f"{which.capitalize()} attached; {number} is packed."
    await done(update, context, actor, found, said)


# ---- shared steps ------------------------------------------------------------------------


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
