"""A clarification a tap can answer carries its options as data (`choices`), in the shop's
language, and each option read back after the message settles the question it answers."""
from __future__ import annotations

import pytest

from ingestion.parser import parse

from .factories import demo_catalog


def test_missing_size_question_lists_the_sizes_as_choices():
    draft = parse("a pizza with ham and a coke", demo_catalog("pizzeria")).to_dict()
    [question] = draft["clarifications"]
    assert draft["choices"] == [{"question": question, "options": ["small", "medium", "large"]}]


def test_spanish_shop_gets_spanish_question_and_choices():
    draft = parse("una empanada", demo_catalog("panaderia")).to_dict()
    assert draft["clarifications"] == ["¿Qué relleno quieres para empanada: atún, carne o pollo?"]
    assert draft["choices"][0]["options"] == ["atún", "carne", "pollo"]


def test_ambiguous_product_offers_the_candidate_products():
    draft = parse("a large", demo_catalog("pizzeria")).to_dict()
    assert draft["choices"][0]["options"] == ["margherita pizza", "pepperoni pizza", "pizza"]


@pytest.mark.parametrize("catalog, text", [
    ("pizzeria", "a pizza with ham and a coke"), ("pizzeria", "a large"),
    ("panaderia", "una empanada"), ("panaderia", "un café y una empanada")])
def test_each_choice_read_after_the_message_answers_its_question(catalog, text):
    first = parse(text, demo_catalog(catalog)).to_dict()
    choice = first["choices"][0]
    for option in choice["options"]:
        after = parse(f"{text}\n{option}", demo_catalog(catalog)).to_dict()
        assert choice["question"] not in after["clarifications"]
        assert after["lines"] and len(after["lines"]) == len(first["lines"] or [None])


def test_questions_without_a_closed_answer_have_no_choices():
    draft = parse("some pizzas", demo_catalog("pizzeria")).to_dict()
    asked = {c["question"] for c in draft["choices"]}
    assert draft["clarifications"][0] not in asked  # "how many?" is open
    assert parse("hello", demo_catalog("pizzeria")).to_dict()["choices"] == []
