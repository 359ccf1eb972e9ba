"""The parser on the pizzeria demo catalog (bot/catalogs/pizzeria.json): one behaviour a test."""
from __future__ import annotations

import pytest

from ingestion.parser import AUTO_APPROVE_THRESHOLD, parse

from .factories import actual, demo_catalog, expected, shown


def draft_of(message: str) -> dict:
    return parse(message, demo_catalog("pizzeria")).to_dict()


@pytest.mark.parametrize("message,spec", [
    ("two large pepperoni and a coke, plus garlic bread", "2 PEPPERONI_PIZZA size=LARGE | 1 COKE | 1 GARLIC_BREAD"),
    ("a dozen wings bbq and a couple of diet cokes", "12 WINGS sauce=BBQ | 2 DIET_COKE"),
    ("1x margherita large, pizza x2 small with mushrooms",
     "1 MARGHERITA size=LARGE | 2 PIZZA size=SMALL topping=MUSHROOMS"),
    ("an order of three medium pizzas", "3 PIZZA size=MEDIUM"),
    ("5 sprites", "5 SPRITE"),
    ("twenty one wings", "21 WINGS"),
])
def test_quantities_in_words_and_digits(message, spec):
    draft = draft_of(message)
    assert actual(draft) == expected(spec), shown(draft)


@pytest.mark.parametrize("message,spec", [
    ("a large pizza with peperoni", "1 PIZZA size=LARGE topping=PEPPERONI"),
    ("small pizza with mushroms and jalapenos", "1 PIZZA size=SMALL topping=MUSHROOMS topping=JALAPENOS"),
    ("medium pie with olives", "1 PIZZA size=MEDIUM topping=OLIVES"),
    ("2 large pizzas with onion", "2 PIZZA size=LARGE topping=ONIONS"),
    ("a big margarita", "1 MARGHERITA size=LARGE"),
])
def test_products_and_options_by_alias_typo_and_plural(message, spec):
    draft = draft_of(message)
    assert actual(draft) == expected(spec), shown(draft)


@pytest.mark.parametrize("message,spec", [
    ("large pizza with extra cheese and light on the sauce",
     "1 PIZZA size=LARGE topping=CHEESE+EXTRA topping=SAUCE+LIGHT"),
    ("medium pizza with lots of mushrooms, no onions", "1 PIZZA size=MEDIUM topping=MUSHROOMS+EXTRA !topping=ONIONS"),
    ("small pizza, hold the olives", "1 PIZZA size=SMALL !topping=OLIVES"),
    ("large pizza with ham but avoid pineapple", "1 PIZZA size=LARGE topping=HAM !topping=PINEAPPLE"),
    ("small pizza without onions or peppers", "1 PIZZA size=SMALL !topping=ONIONS !topping=PEPPERS"),
    ("a large pizza with no extra cheese", "1 PIZZA size=LARGE !topping=CHEESE+EXTRA"),
    ("caesar salad, no croutons", "1 CAESAR !dressing=CROUTONS"),
])
def test_qualifiers_and_negation(message, spec):
    draft = draft_of(message)
    assert actual(draft) == expected(spec), shown(draft)


@pytest.mark.parametrize("message,spec", [
    ("a large pepperoni pizza with extra cheese and a medium pizza with ham, no onions",
     "1 PEPPERONI_PIZZA size=LARGE topping=CHEESE+EXTRA | 1 PIZZA size=MEDIUM topping=HAM !topping=ONIONS"),
    ("a small pizza with bacon and a can of coke", "1 PIZZA size=SMALL topping=BACON | 1 COKE size=CAN"),
    ("a pizza with ham and large pizza with olives", "1 PIZZA topping=HAM size=LARGE topping=OLIVES"),
    ("two large pizzas, one with ham and one with olives",
     "1 PIZZA size=LARGE topping=HAM | 1 PIZZA size=LARGE topping=OLIVES"),
    ("one large with bacon and one small with mushrooms",
     "1 PIZZA size=LARGE topping=BACON | 1 PIZZA size=SMALL topping=MUSHROOMS"),
    ("a small pepperoni pizza and a large one with jalapenos",
     "1 PEPPERONI_PIZZA size=SMALL | 1 PEPPERONI_PIZZA size=LARGE topping=JALAPENOS"),
])
def test_options_go_to_the_item_they_describe(message, spec):
    draft = draft_of(message)
    assert actual(draft) == expected(spec), shown(draft)


def test_a_clear_order_is_confident_enough_to_auto_approve():
    draft = draft_of("two large pepperoni pizzas and a coke")

    assert draft["confidence"] >= AUTO_APPROVE_THRESHOLD
    assert draft["clarifications"] == []


def test_missing_required_size_lowers_confidence_and_asks():
    draft = draft_of("a pizza with ham")

    assert draft["confidence"] < AUTO_APPROVE_THRESHOLD
    assert draft["clarifications"] == ["Which size would you like for the pizza: small, medium or large?"]


def test_unknown_item_word_is_reported_and_asked_about():
    draft = draft_of("can I get a burger and a coke")

    assert [l["sku"] for l in draft["lines"]] == ["COKE"]
    assert draft["unparsed"] == ["burger"]
    assert draft["confidence"] < AUTO_APPROVE_THRESHOLD
    assert draft["clarifications"] == ['Sorry, I couldn\'t find "burger" on our menu. Could you say it another way?']


def test_a_vague_quantity_asks_how_many():
    draft = draft_of("a few large pizzas")

    assert draft["confidence"] < AUTO_APPROVE_THRESHOLD
    assert "How many would you like of the pizza?" in draft["clarifications"]


def test_two_sizes_for_one_pizza_is_a_conflict_to_ask_about():
    draft = draft_of("a small large pizza")

    assert draft["confidence"] < AUTO_APPROVE_THRESHOLD
    assert draft["clarifications"] == ["You mentioned small or large for the pizza. Which one should it be?"]


def test_a_typo_costs_a_little_confidence():
    exact, typo = draft_of("a large pizza with pepperoni"), draft_of("a large pizza with peperroni")

    assert actual(exact) == actual(typo)
    assert typo["confidence"] < exact["confidence"]


@pytest.mark.parametrize("message,intent", [
    ("hi", "greeting"), ("hello there!", "greeting"), ("where is my order?", "status_question"),
    ("how long until my pizza gets here?", "status_question"), ("please cancel my order", "cancel"),
    ("thanks!", "thanks"), ("what's on the menu?", "menu_question"), ("", "other"),
])
def test_messages_that_are_not_orders_give_no_lines_and_an_intent(message, intent):
    draft = draft_of(message)

    assert draft["lines"] == []
    assert draft["intent"] == intent
    assert draft["confidence"] == 0.0


def test_an_order_has_the_order_intent():
    assert draft_of("hey, two small pizzas with ham please")["intent"] == "order"


def test_contact_details_are_read_and_kept_out_of_the_lines():
    draft = draft_of("2 large pizzas with ham. This is Ana, 415-555-0123, deliver to 12 Elm St please")

    assert draft["contact"] == {"name": "Ana", "phone": "+14155550123", "address": "12 Elm St"}
    assert actual(draft) == expected("2 PIZZA size=LARGE topping=HAM")
    assert draft["confidence"] >= AUTO_APPROVE_THRESHOLD


def test_phone_number_in_international_format_and_name_cue():
    draft = draft_of("my name is John Smith, +44 20 7946 0958. one medium pizza")

    assert draft["contact"]["name"] == "John Smith"
    assert draft["contact"]["phone"] == "+442079460958"


def test_an_address_without_a_cue_word_needs_a_street_word():
    assert draft_of("a large pizza to 221 Baker Street")["contact"]["address"] == "221 Baker Street"
    assert draft_of("2 large pizzas to go")["contact"]["address"] is None


def test_words_that_say_nothing_about_items_become_the_note():
    draft = draft_of("one large pizza with bacon. ring the bell twice")

    assert draft["note"] == "ring the bell twice"
    assert draft["confidence"] >= AUTO_APPROVE_THRESHOLD


def test_explicit_note_cue():
    assert draft_of("a small pizza note: leave it at the door")["note"] == "leave it at the door"


def test_line_text_is_the_customers_words_for_the_item():
    draft = draft_of("hi! two large pizzas with ham and a coke")

    assert [l["text"] for l in draft["lines"]] == ["two large pizzas with ham", "a coke"]


def test_an_order_question_is_not_confident():
    draft = draft_of("do you have large pizzas?")

    assert draft["confidence"] < AUTO_APPROVE_THRESHOLD


def test_a_product_named_again_without_a_quantity_is_one_item_but_not_auto_approved():
    # "pizza with ham, pizza with olives" may be one pizza or two; the draft must not pass alone.
    draft = draft_of("large pizza with ham, pizza with olives")

    assert len(draft["lines"]) == 1
    assert draft["confidence"] < AUTO_APPROVE_THRESHOLD


@pytest.mark.parametrize("message", ["large pizza with ham for 2", "2 large pizzas with ham at 7"])
def test_a_number_that_belongs_to_no_item_keeps_the_draft_from_auto_approval(message):
    assert draft_of(message)["confidence"] < AUTO_APPROVE_THRESHOLD


@pytest.mark.parametrize("message", ["2 large pizzas with ham, sorry, 3", "a large pizza, actually make that a medium"])
def test_a_self_correction_makes_the_draft_a_guess(message):
    assert draft_of(message)["confidence"] < AUTO_APPROVE_THRESHOLD


def test_a_count_followed_by_the_items_it_counts_is_not_an_extra_item():
    draft = draft_of("I'd like to order 2 pizzas: a large pepperoni and a medium margherita")

    assert sum(line["quantity"] for line in draft["lines"]) == 2
    assert {line["sku"] for line in draft["lines"]} >= {"MARGHERITA"}
    assert draft["confidence"] < AUTO_APPROVE_THRESHOLD


def test_an_unknown_word_after_with_is_asked_about():
    draft = draft_of("a medium pizza with everything")

    assert draft["unparsed"] == ["everything"]
    assert draft["confidence"] < AUTO_APPROVE_THRESHOLD


def test_a_message_with_only_contact_details_says_so():
    draft = draft_of("my address is 12 Elm St, phone 415-555-0123")

    assert draft["intent"] == "contact_details"
    assert draft["contact"] == {"name": None, "phone": "+14155550123", "address": "12 Elm St"}
    assert draft["lines"] == [] and draft["confidence"] == 0.0


@pytest.mark.parametrize("message", ["1.5 large pizzas", "0 large pizzas"])
def test_an_unreadable_quantity_asks_how_many(message):
    draft = draft_of(message)

    assert draft["lines"][0]["quantity"] == 1
    assert draft["confidence"] < AUTO_APPROVE_THRESHOLD
    assert draft["clarifications"] == ["How many would you like of the pizza?"]


def test_an_unusually_large_quantity_is_kept_but_checked_by_a_seller():
    draft = draft_of("100 large pizzas")

    assert draft["lines"][0]["quantity"] == 100
    assert draft["confidence"] < AUTO_APPROVE_THRESHOLD


@pytest.mark.parametrize("messages,spec", [
    (["a pizza with ham", "large"], "1 PIZZA topping=HAM size=LARGE"),
    (["2 large pizzas", "with olives please"], "2 PIZZA size=LARGE topping=OLIVES"),
    (["a large pizza with ham", "no onions"], "1 PIZZA size=LARGE topping=HAM !topping=ONIONS"),
    (["a large pizza", "and a coke"], "1 PIZZA size=LARGE | 1 COKE"),
    (["a large pizza", "make it 2"], "2 PIZZA size=LARGE"),
])
def test_follow_up_messages_read_together_amend_the_order(messages, spec):
    # The ingestion worker re-reads a pending draft's messages joined by newlines.
    draft = draft_of("\n".join(messages))

    assert actual(draft) == expected(spec), shown(draft)
