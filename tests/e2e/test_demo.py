"""`make demo` end to end: `python -m bot.demo` drives the real chat stack (webhooks, inbox worker,
seller desk, outbox dispatcher, Bot API and Graph stand-ins) on a fresh SQLite file; asserted on
the transcript it printed and on the rows it left behind."""
from __future__ import annotations

import contextlib
import io
import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.demo.__main__ import main
from ingestion.models import Draft
from orders.db import make_engine, make_session_factory
from orders.models import Order


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """What `python -m bot.demo --db FILE` printed, and the database URL (run once, in a thread
    of its own: main() runs its own event loop)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    out, result = io.StringIO(), {}

    def run() -> None:
        with contextlib.redirect_stdout(out):
            result["code"] = main(["--db", str(path)])

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert result.get("code") == 0, out.getvalue()
    return out.getvalue(), f"sqlite+aiosqlite:///{path}"


def entries(printed: str) -> list[tuple[str, str]]:
    """The printed transcript back as (label, text): `[label] first line` then indented lines."""
    found: list[tuple[str, str]] = []
    for line in printed.splitlines():
        if line.startswith("    ") and found:
            found[-1] = (found[-1][0], f"{found[-1][1]}\n{line[4:]}")
        elif match := re.match(r"\[([^\]]+)\] ?(.*)", line):
            found.append((match.group(1), match.group(2)))
    return found


def said(printed: str, label: str) -> list[str]:
    return [text for l, text in entries(printed) if l == label]


async def rows(url: str, model) -> list:
    engine = make_engine(url)
    try:
        async with make_session_factory(engine)() as session:
            return list(await session.scalars(select(model).order_by(model.created_at)))
    finally:
        await engine.dispose()


def test_greeting_and_a_seller_joining_with_an_invite_code(demo):
    printed, _ = demo
    assert said(printed, "bot -> Ana")[0].startswith("Hi! What can we get you?")
    assert said(printed, "bot -> Maria")[0].startswith("Welcome, Maria! You are now manager at")


async def test_double_tap_is_refused_with_who_was_first_and_makes_one_order(demo):
    printed, url = demo
    assert said(printed, "bot -> Dana, answer")[0] == "Approved as ORD-00001."
    refusal = said(printed, "bot -> Maria, answer")[0]
    assert refusal.startswith("Already approved by Dana at ") and refusal.endswith(" as ORD-00001.")
    assert len([o for o in await rows(url, Order) if o.address == "12 Elm St"]) == 1


async def test_the_clarification_is_asked_answered_and_the_edit_reaches_the_card(demo):
    printed, url = demo
    ben = [(label, text) for label, text in entries(printed) if label.endswith("Ben")]
    assert ben[:4] == [
        ("customer Ben", "a pizza with ham"),
        ("bot -> Ben", "Got it: 1x pizza (ham). Which size would you like for the pizza: "
                       "small, medium or large?"),
        ("customer Ben", "large"),
        ("bot -> Ben", "Updated: 1x large pizza (ham), total $15.00. The shop will confirm shortly."),
    ]
    assert any(text.startswith("Updated order draft from Ben via Telegram (edited by Dana)\n")
               and "3x large pizza (ham)" in text for text in said(printed, "card edited for Dana, Maria"))
    [draft] = [d for d in await rows(url, Draft) if d.content["lines"][0].get("quantity") == 3]
    assert draft.status == "approved"


async def test_the_whatsapp_cart_is_exact_and_the_rejection_reason_reaches_the_customer(demo):
    printed, url = demo
    assert any("Confidence 100% (exact" in text and "Carla via WhatsApp" in text
               for text in said(printed, "card to Dana, Maria"))
    assert said(printed, "bot -> Carla on WhatsApp")[-1] == (
        "Sorry, the shop can't take this order: we don't deliver to that area yet, sorry.")
    [cart] = [d for d in await rows(url, Draft) if d.source == "cart"]
    assert (cart.confidence, cart.status) == (1.0, "rejected")


async def test_the_order_goes_confirmed_packed_shipped_delivered_and_paid(demo):
    printed, url = demo
    maria_sees = [text.splitlines()[0] for label, text in entries(printed)
                  if label in ("bot -> Maria", "bot -> Maria, edited") and text.startswith("ORD-00001:")]
    for status in ("confirmed", "packed", "shipped", "delivered"):
        assert any(line.startswith(f"ORD-00001: {status}, ") for line in maria_sees), status
    assert any("needs an invoice and a shipping label" in t for t in said(printed, "bot -> Maria"))
    ana = said(printed, "bot -> Ana")
    assert "Your order ORD-00001 is on its way with Speedy Couriers! Tracking number: SC-482913." in ana
    assert "Your order ORD-00001 is on its way. It is paid." in ana  # "where is my order?"
    first = {o.number: o for o in await rows(url, Order)}["ORD-00001"]
    assert (first.status, first.financial_status) == ("delivered", "paid")
    [history] = [t for t in said(printed, "bot -> Dana") if t.startswith("History of ORD-00001:")]
    assert "Maria: status: shipped -> delivered" in history


async def test_the_claim_code_claims_the_quote_and_a_second_claimant_is_refused(demo):
    printed, url = demo
    [made] = [t for t in said(printed, "bot -> Maria") if t.startswith("Quote ORD-00003:")]
    code = re.search(r"Claim code (\d{3}-\d{4}-\d{3})", made).group(1)
    assert said(printed, "customer Eve")[0] == f"Hi! My code is {code}"
    assert said(printed, "bot -> Eve")[0] == (
        "Quote ORD-00003 is yours now: total $26.00. Tap Accept if it suits you.\n[Accept]")
    assert said(printed, "customer Finn") == [code]
    assert "already claimed by someone else" in said(printed, "bot -> Finn on WhatsApp")[0]
    assert said(printed, "bot -> Dana, Maria")[0].startswith("Quote ORD-00003 was accepted by Eve.")
    assert said(printed, "bot -> Dana, Maria")[1].startswith("ORD-00003: the customer (Eve) says they paid")


async def test_received_it_completes_the_quote_and_the_invoice_pdf_reaches_the_customer(demo):
    printed, url = demo
    [document] = said(printed, "bot -> Eve, document")
    assert re.fullmatch(r"INV-00001\.pdf \(\d+ bytes, PDF\)\n"
                        r"Your invoice INV-00001 for order ORD-00003\.", document)
    quote = {o.number: o for o in await rows(url, Order)}["ORD-00003"]
    assert (quote.status, quote.financial_status, quote.invoice_number) == (
        "completed", "paid", "INV-00001")


async def test_send_as_quote_on_a_draft_card_sends_the_customer_an_accept_button(demo):
    printed, url = demo
    assert said(printed, "bot -> Gus")[-1] == (
        "The shop sent you a quote: ORD-00004, total $75.00. Tap Accept if it suits you.\n[Accept]")
    assert said(printed, "card edited for Dana, Maria")[-1].endswith("Sent as quote ORD-00004 by Dana.")
    gus = {o.number: o for o in await rows(url, Order)}["ORD-00004"]
    assert gus.status == "quote"


def test_the_demo_refuses_an_existing_database_file(tmp_path: Path):
    existing = tmp_path / "demo.db"
    existing.write_text("")
    with pytest.raises(SystemExit) as exit_:
        main(["--db", str(existing)])
    assert exit_.value.code == 2
