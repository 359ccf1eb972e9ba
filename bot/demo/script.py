"""The scripted day at Luigi's: three customers write in, Dana and Maria decide the drafts, and
Ana's order goes all the way to her door. Every step calls the real services."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select

from bot.demo.stage import Stage, Transcript
from bot.messages import money
from ingestion.catalogs import CatalogCache
from ingestion.drafts.service import approve_draft, edit_draft, reject_draft
from ingestion.errors import IngestionError
from orders.errors import OrderCoreError
from orders.models import Member, Order
from orders.services import (attach_documents, fulfill_order, get_order, order_history,
                             record_payment, transition_order)


async def run_demo(url: str, *, echo: bool = True) -> Transcript:
    """Run the whole flow on the (fresh) database at `url`; returns what was shown."""
    transcript = Transcript(echo=echo)
    transcript.section("Luigi's Pizzeria opens (shop, catalog, sellers)")
    stage = await Stage.open(url, transcript)
    try:
        number = await ana_orders(stage)
        await ben_needs_a_size(stage)
        await carla_sends_a_cart(stage)
        await ana_gets_her_pizza(stage, number)
        await show_history(stage, number)
    finally:
        await stage.close()
    return transcript


async def tap(stage: Stage, who: str, button: str, on: str, action: Awaitable[Any],
              answer: Callable[[Any], str]) -> Any:
    """A seller's tap on `on`: the service's result (and `answer(result)` shown to the seller),
    or the service's refusal in its own words; then whatever the change queued is sent."""
    stage.say(f"{who} taps {button}", on)
    try:
        result = await action
    except (IngestionError, OrderCoreError) as refusal:
        stage.say(f"bot -> {who}", str(refusal))
        result = None
    else:
        stage.say(f"bot -> {who}", answer(result))
    await stage.dispatch()
    return result


AXES = ("status", "financial", "fulfillment")  # history rows that move an axis from -> to


def made(approval: Any) -> str:
    order = approval.order
    return f"Approved: {order.number} made, total {money(order.total, order.currency)}."


def moved(order: Order) -> str:
    return f"Done: {order.number} is now {order.status}."


async def ana_orders(stage: Stage) -> str:
    stage.transcript.section("Ana orders on Telegram; two sellers tap Approve on her card")
    ana = stage.customer("Ana", "telegram", "tg-70001")
    dana, maria = stage.sellers["Dana"], stage.sellers["Maria"]
    await stage.customer_says(ana, "hi there!")
    await stage.customer_says(ana, "two large pepperoni pizzas and a coke, to 12 Elm St, 415-555-0123")
    draft = await stage.latest_draft(ana)
    approval = await tap(stage, "Dana", "Approve", "Ana's card",
                         approve_draft(stage.uow(), dana, draft.id), made)
    if approval is None:
        raise RuntimeError("The demo's first approval was refused; see the transcript above.")
    await tap(stage, "Maria", "Approve", "Ana's card, a moment later",
              approve_draft(stage.uow(), maria, draft.id), lambda a: "Approved (unexpected!)")
    return approval.order.number


async def ben_needs_a_size(stage: Stage) -> None:
    stage.transcript.section("Ben forgets the size; the bot asks, Dana edits and approves")
    ben = stage.customer("Ben", "telegram", "tg-70002")
    dana = stage.sellers["Dana"]
    await stage.customer_says(ben, "a pizza with ham")
    await stage.customer_says(ben, "large")
    draft = await stage.latest_draft(ben)
    stage.say("meanwhile", "Ben phones the shop: he wants three of them.")
    edits = [{"op": "set_quantity", "line": 0, "quantity": 3}]
    await tap(stage, "Dana", "Edit", "Ben's card: line 1, quantity 3",
              edit_draft(stage.uow(), dana, draft.id, edits, CatalogCache()),
              lambda d: f"Saved; confidence now {round(d.confidence * 100)}%.")
    await tap(stage, "Dana", "Approve", "Ben's card", approve_draft(stage.uow(), dana, draft.id),
              made)


async def carla_sends_a_cart(stage: Stage) -> None:
    stage.transcript.section("Carla sends a WhatsApp cart; Maria rejects it")
    carla = stage.customer("Carla", "whatsapp", "14155550199")
    maria = stage.sellers["Maria"]
    await stage.customer_sends_cart(carla, [
        {"product_retailer_id": "GARLIC_BREAD", "quantity": 2, "item_price": "5.00", "currency": "USD"},
        {"product_retailer_id": "TIRAMISU", "quantity": 1, "item_price": "6.00", "currency": "USD"}])
    draft = await stage.latest_draft(carla)
    reason = "we don't deliver to that area yet, sorry"
    await tap(stage, "Maria", "Reject", f"Carla's card, reason: {reason}",
              reject_draft(stage.uow(), maria, draft.id, reason), lambda d: "Rejected; Carla is told why.")


async def ana_gets_her_pizza(stage: Stage, number: str) -> None:
    stage.transcript.section(f"{number}: confirmed, paid, packed, shipped, delivered")
    ana = stage.person("Ana")
    dana, maria = stage.sellers["Dana"], stage.sellers["Maria"]

    async def move(to: str, button: str) -> None:
        current = await get_order(stage.uow(), dana, number)
        await tap(stage, "Dana", button, f"{number} ({current.status})", transition_order(
            stage.uow(), dana, number, to, expected_version=current.version), moved)

    await move("confirmed", "Confirm")
    order = await get_order(stage.uow(), dana, number)
    await tap(stage, "Maria", "Record payment", f"{number}: {order.total} {order.currency} by card",
              record_payment(stage.uow(), maria, number, order.total, method="card",
                             reference="demo-card-0001", expected_version=order.version),
              lambda o: f"Recorded; {o.number} is {o.financial_status}.")
    await move("packed", "Packed")
    order = await get_order(stage.uow(), dana, number)
    await tap(stage, "Dana", "Attach documents", f"{number}: invoice and shipping label",
              attach_documents(stage.uow(), dana, number,
                               invoice_url=f"https://luigis.example/invoices/{number}.pdf",
                               label_url=f"https://luigis.example/labels/{number}.pdf",
                               expected_version=order.version),
              lambda o: "Invoice and label attached.")
    await move("packed", "Packed")
    order = await get_order(stage.uow(), dana, number)
    await tap(stage, "Dana", "Hand to courier", f"{number}: Speedy Couriers, SC-482913",
              fulfill_order(stage.uow(), dana, number, carrier="Speedy Couriers",
                            tracking_number="SC-482913", expected_version=order.version),
              lambda o: f"Shipment recorded; {o.number} is {o.fulfillment_status}.")
    await move("shipped", "Shipped")
    await stage.customer_says(ana, "where is my order?")
    await move("delivered", "Delivered")
    order = await get_order(stage.uow(), dana, number)
    stage.say("order", f"{order.number}: status {order.status}, payment {order.financial_status}, "
                       f"fulfillment {order.fulfillment_status}, total {order.total} {order.currency}")


async def show_history(stage: Stage, number: str) -> None:
    stage.transcript.section(f"{number}: history (times in UTC)")
    rows = await order_history(stage.uow(), stage.sellers["Dana"], number)
    async with stage.uow().reading() as uow:
        names = {m.id: m.name for m in await uow.session.scalars(
            select(Member).where(Member.shop_id == stage.shop.id))}
    for row in rows:
        who = names.get(row.actor_id, "?") if row.actor_id else "system"
        change = f"{row.from_value or '-'} -> {row.to_value}" if row.axis in AXES else str(row.to_value)
        note = f"  ({row.note})" if row.note else ""
        stage.say("history", f"{row.created_at:%H:%M:%S}  {row.axis:<11} {change}  by {who}{note}")
