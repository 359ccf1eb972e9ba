"""The customer saying they paid ("I paid", "ya pagué") is the intent `paid`: about an order
already placed, so items it happens to name make no new order."""
from __future__ import annotations

import pytest

from ingestion.parser import parse
from tests.unit.parser.factories import demo_catalog


@pytest.mark.parametrize("text", ["I paid", "I have paid", "i've paid for the pizzas",
                                  "Payment sent!", "just paid, thanks", "paid already",
                                  "I sent the money", "transfer done"])
def test_english_payment_words_are_the_paid_intent(text):
    draft = parse(text, demo_catalog("pizzeria")).to_dict()

    assert draft["intent"] == "paid" and draft["lines"] == [] and draft["clarifications"] == []


@pytest.mark.parametrize("text", ["ya pagué", "Ya pague!", "hice la transferencia",
                                  "pago enviado", "ya está pagado, gracias"])
def test_spanish_payment_words_are_the_paid_intent(text):
    assert parse(text, demo_catalog("panaderia")).to_dict()["intent"] == "paid"


def test_a_question_about_the_order_wins_over_saying_paid():
    assert parse("I paid, where is my order?", demo_catalog("pizzeria")).intent == "status_question"


@pytest.mark.parametrize("text", ["two pizzas, I'll pay cash", "a large ham pizza, paying by card"])
def test_an_order_that_mentions_paying_stays_an_order(text):
    draft = parse(text, demo_catalog("pizzeria")).to_dict()

    assert draft["intent"] == "order" and draft["lines"]
