"""Any input gives a valid draft: random text, adversarial text, huge text, odd types."""
from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingestion.parser import parse

from .factories import demo_catalog

E164 = re.compile(r"^\+[1-9]\d{6,14}$")

# Words the parser reacts to, mixed into random text so the interesting paths get exercised.
VOCABULARY = ["two", "a", "an", "dozen", "a couple of", "x2", "3x", "1.5", "no", "without", "hold the", "extra",
              "light on the", "and", "or", ",", ".", "with", "but", "pizza", "pizzas", "pie", "large", "small",
              "pepperoni", "peperoni", "olives", "coke", "wings", "margarita", "half", "both", "this is", "Ana",
              "deliver to", "12 Elm St", "+1 415 555 0123", "415-555-0123", "where is my order", "hi", "$25",
              "9999999999999999999", "0", "-1", "🍕", "😀", "пицца", "披萨", "\u200b", "\x00", "\n", "\t", "'", "\"",
              "(", ")", "note:", "ps", "some", "few", "can", "the", "é", "ß", "İ", "\ud800"]


def assert_valid_draft(draft) -> None:
    d = draft.to_dict()
    json.dumps(d)                                     # serialisable as the Draft JSON
    assert set(d) >= {"lines", "contact", "note", "confidence", "unparsed", "clarifications", "intent"}
    assert 0.0 <= d["confidence"] <= 1.0
    assert isinstance(d["intent"], str) and d["intent"]
    for line in d["lines"]:
        assert isinstance(line["sku"], str) and isinstance(line["name"], str)
        assert isinstance(line["quantity"], int) and line["quantity"] >= 1
        assert 0.0 <= line["confidence"] <= 1.0
        assert isinstance(line["text"], str)
        for option in line["options"]:
            assert set(option) <= {"group", "code", "qualifier", "negated"}
            assert isinstance(option["group"], str) and isinstance(option["code"], str)
            assert option.get("negated", True) is True
    assert set(d["contact"]) == {"name", "phone", "address"}
    assert d["contact"]["phone"] is None or E164.match(d["contact"]["phone"])
    assert all(isinstance(x, str) for x in d["unparsed"] + d["clarifications"])
    assert d["note"] is None or isinstance(d["note"], str)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_random_unicode_text_gives_a_valid_draft(text):
    assert_valid_draft(parse(text, demo_catalog("pizzeria")))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=6)), max_size=40).map(" ".join))
def test_order_like_adversarial_text_gives_a_valid_draft(text):
    assert_valid_draft(parse(text, demo_catalog("pizzeria")))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=30).map(" ".join))
def test_spanish_catalog_survives_the_same_text(text):
    assert_valid_draft(parse(text, demo_catalog("panaderia")))


def test_a_100_kb_message_gives_a_valid_draft_quickly():
    text = "two large pepperoni pizzas and a coke, no onions! " * 2100

    draft = parse(text, demo_catalog("pizzeria"))

    assert_valid_draft(draft)
    assert draft.lines and draft.confidence < 0.9


def test_odd_inputs_give_valid_drafts():
    catalog = demo_catalog("pizzeria")
    for value in ["", " ", "\x00\x01\x02", "🍕🍕🍕", "\u202e2 pizzas", None, 42, b"bytes", ["list"], "٣ بيتزا",
                  "x" * 5000, "1" * 400, "+" * 50, "$" * 30]:
        assert_valid_draft(parse(value, catalog))
