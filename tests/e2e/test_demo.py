"""`make demo` end to end: the scripted customers and sellers, through the real services, on a
fresh SQLite file; asserted on what the transcript showed and on the rows left behind."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.demo import run_demo
from bot.demo.__main__ import main
from bot.demo.stage import Transcript
from ingestion.models import Draft
from orders.db import make_engine, make_session_factory
from orders.models import Order


@pytest.fixture(scope="module")
async def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Transcript, str]:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    return await run_demo(url, echo=False), url


async def rows(url: str, model) -> list:
    engine = make_engine(url)
    try:
        async with make_session_factory(engine)() as session:
            return list(await session.scalars(select(model).order_by(model.created_at)))
    finally:
        await engine.dispose()


def entries(transcript: Transcript, label: str) -> list[str]:
    return [text for l, text in transcript.entries if l == label]


async def test_approved_order_reaches_delivered_and_paid(demo):
    transcript, url = demo
    orders = {o.number: o for o in await rows(url, Order)}
    first = orders["ORD-00001"]
    assert (first.status, first.financial_status, first.fulfillment_status) == (
        "delivered", "paid", "fulfilled")
    assert "Your order ORD-00001 was delivered. Enjoy, and thank you!" in entries(
        transcript, "shop -> customer Ana")
    history = entries(transcript, "history")
    assert any("shipped -> delivered  by Dana" in line for line in history)


async def test_second_approval_gets_already_approved_by(demo):
    transcript, url = demo
    [answer] = entries(transcript, "bot -> Maria")[:1]
    assert answer.startswith("Already approved by Dana at ") and answer.endswith(" as ORD-00001.")
    assert len([o for o in await rows(url, Order) if o.address == "12 Elm St"]) == 1


async def test_clarification_is_asked_and_the_answer_amends_the_same_draft(demo):
    transcript, url = demo
    ben = [(label, text) for label, text in transcript.entries if "Ben" in label]
    assert ben[:4] == [
        ("customer Ben -> shop", "a pizza with ham"),
        ("shop -> customer Ben", "Got it: 1x pizza (ham). Which size would you like for the "
                                 "pizza: small, medium or large?"),
        ("customer Ben -> shop", "large"),
        ("shop -> customer Ben", "Updated: 1x large pizza (ham), total $15.00. "
                                 "The shop will confirm shortly."),
    ]
    ben_drafts = [d for d in await rows(url, Draft) if d.chat_id == "tg-70002"]
    assert len(ben_drafts) == 1 and ben_drafts[0].content["lines"][0]["quantity"] == 3  # edited


async def test_cart_draft_is_exact_and_its_rejection_reaches_the_customer(demo):
    transcript, url = demo
    cart_card = next(text for text in entries(transcript, "card to sellers") if "Carla" in text)
    assert "Confidence 100%" in cart_card and "2x garlic bread" in cart_card
    [cart] = [d for d in await rows(url, Draft) if d.source == "cart"]
    assert cart.confidence == 1.0 and cart.status == "rejected"
    assert entries(transcript, "shop -> customer Carla")[-1].startswith(
        "Sorry, the shop can't take this order: we don't deliver")


async def test_greeting_and_status_question_get_answers(demo):
    transcript, _ = demo
    ana = entries(transcript, "shop -> customer Ana")
    assert ana[0].startswith("Hi! What can we get you?")
    assert "Your order ORD-00001 is on its way. It is paid." in ana


def test_python_m_bot_demo_prints_the_transcript_and_exits_0(tmp_path: Path, capsys):
    assert main(["--db", str(tmp_path / "demo.db")]) == 0
    out = capsys.readouterr().out
    for label in ("[customer Ana -> shop]", "[shop -> customer Ana]", "[card to sellers]",
                  "[Dana taps Approve]", "[bot -> Maria] Already approved by Dana at "):
        assert label in out
