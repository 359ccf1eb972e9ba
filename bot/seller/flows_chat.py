"""The made-to-order flows in the seller's chat (seed 002): quotes with claim codes, payment
requests, shipping with a carrier and tracking number, production stages, the packing checklist
(with photos where the shop asks) and invoices. `order_card.flow_buttons` offers each button
only when the order's state allows it; the services check again."""
from __future__ import annotations

from typing import Any

from telegram import Update

from bot import messages
from bot.models import SellerPrompt
from bot.seller.chat import Context, answer, pressed, seller_of, shop_of
from bot.seller.order_card import ask, done, order_by_id, redraw, say_order, shop_settings
from ingestion.parser import parse
from orders.domain.actors import Actor
from orders.domain.production import checklist_of
from orders.errors import InvalidInput
from orders.services import load_catalog
from orders.services.creation import NewOrder
from orders.services.invoices import issue_invoice
from orders.services.payment_requests import request_payment, withdraw_payment_request
from orders.services.production import advance_stage, tick_checklist
from orders.services.quotes import create_quote
from orders.services.shipping import set_tracking, ship_order


async def quote(update: Update, context: Context) -> None:
    """/quote 2 large pepperoni, a coke: a quote with a claim code for the customer."""
    actor = await seller_of(update, context)
    text = " ".join(context.args or [])
    if not text.strip():
        raise InvalidInput("Write the items after /quote, e.g. /quote 2 large margherita, a coke.")
    shop = shop_of(context)
    async with shop.uow().reading() as uow:
        catalog = await shop.catalogs.get(uow.session, await uow.shops.get(shop.shop_id))
    parsed = parse(text, catalog).to_dict()
    if not parsed["lines"]:
        raise InvalidInput(f"Nothing in {text!r} matches the catalog.")
    made = await create_quote(shop.uow(), actor, NewOrder.from_draft_json(parsed))
    json_catalog = await load_catalog(shop.uow(), shop.shop_id)
    items = ", ".join(messages.describe_line(line, json_catalog) for line in parsed["lines"])
    await answer(update, f"Quote {made.number}: {items}, total "
                 f"{messages.money(made.total, made.currency)}.\nClaim code {made.claim_code}: give "
                 "it to your customer; they send it to the shop's chat to claim the quote.")
    await say_order(update, context, actor, made)


async def act(update: Update, context: Context) -> None:
    """Stage, Request payment, Withdraw request, Issue invoice: do it, then the order again."""
    action, order_id = pressed(update, context)
    actor = await seller_of(update, context)
    number = (await order_by_id(context, actor, order_id)).number
    uow = shop_of(context).uow()
    done = await {"sa": advance_stage, "rq": request_payment, "rw": withdraw_payment_request,
                  "iv": issue_invoice}[action](uow, actor, number)
    await answer(update, {"sa": f"{number} is now at stage {done.stage}.",
                          "rq": "Payment requested; the customer was told how to pay.",
                          "rw": "Payment request withdrawn.",
                          "iv": f"Invoice {done.invoice_number} issued and sent."}[action])
    await redraw(update, context, actor, done)


async def tick(update: Update, context: Context) -> None:
    """Tick a checklist item; one that needs a photo asks for it."""
    action, order_id = pressed(update, context)
    actor = await seller_of(update, context)
    found = await order_by_id(context, actor, order_id)
    item = _item(await shop_settings(context), int(action[2:]))
    if item.photo:
        return await ask(update, context, found, "order_check_photo",
                                     f"Send the photo for \"{item.name}\" of {found.number}.",
                                     item=item.name)
    ticked = await tick_checklist(shop_of(context).uow(), actor, found.number, item.name)
    await answer(update, f"Ticked: {item.name}.")
    await redraw(update, context, actor, ticked)


async def take_photo(update: Update, context: Context, actor: Actor, prompt: SellerPrompt,
                     text: str) -> None:
    photos = update.effective_message.photo if update.effective_message else ()
    if not photos:
        raise InvalidInput("Send a photo (as a picture, not a file).")
    ticked = await tick_checklist(shop_of(context).uow(), actor, prompt.data["number"],
                                  prompt.data["item"], photo_ref=photos[-1].file_id)
    await done(update, context, actor, ticked, f"Ticked with the photo: {prompt.data['item']}.")


async def ask_tracking(update: Update, context: Context) -> None:
    """Ship / Change tracking: ask for the carrier and the tracking number."""
    action, order_id = pressed(update, context)
    found = await order_by_id(context, await seller_of(update, context), order_id)
    await ask(update, context, found, "order_tracking",
                          f"Send the carrier and tracking number for {found.number}, e.g. "
                          "\"UPS 1Z999AA10123456784\".", ship=action == "sh")


async def take_tracking(update: Update, context: Context, actor: Actor, prompt: SellerPrompt,
                        text: str) -> None:
    carrier, _, tracking = text.strip().rpartition(" ")
    if not carrier.strip() or not tracking:
        raise InvalidInput("Send the carrier, a space, then the tracking number.")
    number, uow = prompt.data["number"], shop_of(context).uow()
    move = ship_order if prompt.data.get("ship") else set_tracking
    found = await move(uow, actor, number, carrier.strip()[:64], tracking[:128])
    await done(update, context, actor, found,
                           f"{number}: {carrier.strip()} {tracking}; the customer has it.")


def _item(settings: dict[str, Any], index: int):
    items = checklist_of(settings)
    if not 0 <= index < len(items):
        raise InvalidInput("The shop's checklist changed; open the order again.")
    return items[index]
