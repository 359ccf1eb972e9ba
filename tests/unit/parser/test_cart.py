"""A WhatsApp catalog cart is exact: confidence 1.0, unless a row cannot be used."""
from __future__ import annotations

from ingestion.parser import parse_cart

from .factories import demo_catalog


def test_a_cart_becomes_an_exact_draft():
    draft = parse_cart(demo_catalog("bakery"), [("LATTE", 2, "4.50", "USD"), ("CROISSANT", 1)]).to_dict()

    assert draft["confidence"] == 1.0
    assert draft["intent"] == "order"
    assert [(l["sku"], l["quantity"], l["confidence"]) for l in draft["lines"]] == [("LATTE", 2, 1.0), ("CROISSANT", 1, 1.0)]
    assert draft["lines"][0]["unit_price"] == "4.50" and draft["lines"][0]["currency"] == "USD"
    assert draft["clarifications"] == [] and draft["unparsed"] == []


def test_whatsapp_order_items_are_accepted_as_they_arrive():
    items = [{"product_retailer_id": "MUG", "quantity": "3", "item_price": 14, "currency": "USD"}]

    draft = parse_cart(demo_catalog("bakery"), items).to_dict()

    assert [(l["sku"], l["quantity"]) for l in draft["lines"]] == [("MUG", 3)]
    assert draft["confidence"] == 1.0


def test_an_unknown_sku_is_named_and_asked_about_not_raised():
    draft = parse_cart(demo_catalog("bakery"), [("LATTE", 1), ("GONE-123", 2)]).to_dict()

    assert [l["sku"] for l in draft["lines"]] == ["LATTE"]
    assert draft["unparsed"] == ["GONE-123"]
    assert "GONE-123" in draft["clarifications"][0]
    assert draft["confidence"] == 0.0


def test_unusable_quantities_and_rows_do_not_raise():
    draft = parse_cart(demo_catalog("bakery"), [("LATTE", 0), ("LATTE", "two"), ("LATTE", 1.5), None, 7, ()])

    assert draft.lines == [] and draft.confidence == 0.0


def test_an_empty_cart_asks_what_to_order():
    assert parse_cart(demo_catalog("bakery"), []).clarifications == ["What would you like to order?"]
    assert parse_cart(demo_catalog("bakery"), None).lines == []


from hypothesis import given, settings
from hypothesis import strategies as st

_ANY = st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=8),
                 st.sampled_from(["LATTE", "MUG", "CAKE"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.tuples(_ANY, _ANY), st.tuples(_ANY, _ANY, _ANY, _ANY),
                          st.dictionaries(st.sampled_from(["product_retailer_id", "quantity", "item_price"]), _ANY),
                          _ANY), max_size=8))
def test_any_cart_gives_a_draft_without_raising(rows):
    draft = parse_cart(demo_catalog("bakery"), rows)

    assert draft.confidence in (0.0, 1.0)
    assert all(line.quantity >= 1 for line in draft.lines)
