"""The scripted day at Luigi's. Customers write in Telegram and WhatsApp, sellers tap the buttons
the bot sent them and answer its questions; every bot line shown is what the real code sent."""
from __future__ import annotations

import re

from bot.demo.stage import Person, Stage
from bot.demo.transcript import Transcript
from bot.models import TELEGRAM, WHATSAPP


async def run_demo(url: str, *, echo: bool = True) -> Transcript:
    """Run the whole flow on the (fresh) database at `url`; returns what was shown."""
    transcript = Transcript(echo=echo)
    transcript.section("Luigi's Pizzeria opens (shop, catalog, channels, sellers)")
    stage = await Stage.open(url, transcript)
    try:
        await maria_joins(stage)
        await ana_orders(stage)
        await ben_needs_a_size(stage)
        await carla_sends_a_cart(stage)
        await ana_gets_her_pizza(stage, "ORD-00001")
        await history(stage, "ORD-00001")
        await a_quote_with_a_claim_code(stage)
        await send_as_quote(stage)
    finally:
        await stage.close()
    return transcript


def seller(stage: Stage, name: str) -> Person:
    ids = {"Dana": "1001", "Maria": "1002"}
    return stage.person(name, TELEGRAM, ids[name], role="seller")


async def maria_joins(stage: Stage) -> None:
    code = await stage.invite("manager")
    await stage.says(seller(stage, "Maria"), f"/start {code}")


async def ana_orders(stage: Stage) -> None:
    stage.transcript.section("Ana orders on Telegram; Dana and Maria tap Approve at once")
    ana = stage.person("Ana", TELEGRAM, "7001")
    dana, maria = seller(stage, "Dana"), seller(stage, "Maria")
    await stage.says(ana, "hi there!")
    await stage.says(ana, "two large pepperoni pizzas and a coke, to 12 Elm St, 415-555-0123",
)
    marias_card = stage.last_with(maria, "Approve")  # as she sees it before it is redrawn
    await stage.taps(dana, "Approve", note="on Ana's card")
    await stage.taps(maria, "Approve", marias_card, note="on her copy, a moment later")


async def ben_needs_a_size(stage: Stage) -> None:
    stage.transcript.section("Ben forgets the size; the bot asks; Dana edits the draft and approves")
    ben = stage.person("Ben", TELEGRAM, "7002")
    dana = seller(stage, "Dana")
    await stage.says(ben, "a pizza with ham")
    await stage.says(ben, "large")
    await stage.taps(dana, "Edit", note="on Ben's card (he phoned: he wants three)")
    await stage.taps(dana, "1.")
    await stage.taps(dana, "Quantity")
    await stage.says(dana, "3")
    await stage.taps(dana, "Done")
    await stage.taps(dana, "Approve", note="on Ben's card")


async def carla_sends_a_cart(stage: Stage) -> None:
    stage.transcript.section("Carla sends a WhatsApp cart; Maria rejects it with a reason")
    carla = stage.person("Carla", WHATSAPP, "14155550199")
    maria = seller(stage, "Maria")
    await stage.sends_cart(carla, [
        {"product_retailer_id": "GARLIC_BREAD", "quantity": 2, "item_price": "5.00", "currency": "USD"},
        {"product_retailer_id": "TIRAMISU", "quantity": 1, "item_price": "6.00", "currency": "USD"}],
        shown="(a WhatsApp catalog cart) 2x GARLIC_BREAD @ 5.00, 1x TIRAMISU @ 6.00")
    await stage.taps(maria, "Reject", note="on Carla's card")
    await stage.says(maria, "we don't deliver to that area yet, sorry")


async def ana_gets_her_pizza(stage: Stage, number: str) -> None:
    stage.transcript.section(f"{number}: confirmed, packed (invoice and label asked for), paid, "
                             "shipped with tracking, delivered")
    ana, maria = stage.person("Ana", TELEGRAM, "7001"), seller(stage, "Maria")
    await stage.says(maria, f"/order {number.split('-')[1].lstrip('0')}")
    await stage.taps(maria, "Confirm")
    await stage.taps(maria, "Mark packed")
    await stage.says(maria, f"https://luigis.example/invoices/{number}.pdf")
    await stage.says(maria, f"https://luigis.example/labels/{number}.pdf")
    await stage.taps(maria, "Record payment")
    await stage.says(maria, amount_due(stage, maria))
    await stage.taps(maria, "Ship")
    await stage.says(maria, "Speedy Couriers SC-482913")
    await stage.says(ana, "where is my order?")
    await stage.taps(maria, "Deliver")


def amount_due(stage: Stage, who: Person) -> str:
    """The amount the seller types: the total the bot's question showed her."""
    asked = stage.messages_to(who)[-1]["text"]  # "How much was paid for ORD-x (total 28.00 USD)?"
    return re.search(r"total (\d+\.\d\d)", asked).group(1)


async def history(stage: Stage, number: str) -> None:
    stage.transcript.section(f"{number}: its history, as Dana reads it in the chat")
    dana = seller(stage, "Dana")
    await stage.says(dana, f"/order {number}")
    await stage.taps(dana, "History")


async def a_quote_with_a_claim_code(stage: Stage) -> None:
    stage.transcript.section("A quote: /quote -> claim code -> Eve claims it; Finn is refused")
    maria = seller(stage, "Maria")
    eve = stage.person("Eve", TELEGRAM, "7003")
    finn = stage.person("Finn", WHATSAPP, "16505550202")
    await stage.says(maria, "/quote 2 large pepperoni pizzas")
    code = re.search(r"\d{3}-\d{4}-\d{3}", stage.messages_to(maria)[-2]["text"]).group(0)
    await stage.says(eve, f"Hi! My code is {code}")
    await stage.says(finn, code)

    stage.transcript.section("Eve accepts; Maria converts it, asks for payment; Eve pays")
    await stage.taps(eve, "Accept")
    await stage.taps(maria, "Open order")
    await stage.taps(maria, "Confirm")
    await stage.taps(maria, "Request payment")
    await stage.taps(eve, "I paid")
    await stage.taps(maria, "Record payment")
    await stage.says(maria, amount_due(stage, maria))

    stage.transcript.section("Packed, shipped with tracking, delivered; Eve confirms; invoice PDF")
    await stage.taps(maria, "Mark packed")
    await stage.says(maria, "https://luigis.example/invoices/q1.pdf")
    await stage.says(maria, "https://luigis.example/labels/q1.pdf")
    await stage.taps(maria, "Ship")
    await stage.says(maria, "DHL JD0001")
    await stage.taps(maria, "Deliver")
    await stage.taps(eve, "Received it")


async def send_as_quote(stage: Stage) -> None:
    stage.transcript.section("Gus asks for a big order; Dana sends his draft as a quote")
    gus = stage.person("Gus", TELEGRAM, "7004")
    await stage.says(gus, "five large ham pizzas for saturday")
    await stage.taps(seller(stage, "Dana"), "Send as quote", note="on Gus's card")
