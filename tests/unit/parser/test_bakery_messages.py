"""A bakery-cafe that also sells mugs, bags of beans and gift cards (bot/catalogs/bakery.json):
written customer messages and the drafts a careful person would make of them."""
from __future__ import annotations

import pytest

from ingestion.parser import AUTO_APPROVE_THRESHOLD, parse

from .factories import actual, demo_catalog, expected, shown

CASES = [
    # several items, quantities in words and digits
    ("two large oat lattes with extra vanilla and an almond croissant",
     "2 LATTE size=LARGE milk=OAT extras=VANILLA+EXTRA | 1 ALMOND_CROISSANT"),
    ("a medium cappuccino and a blueberry muffin please", "1 CAPPUCCINO size=MEDIUM | 1 BLUEBERRY_MUFFIN"),
    ("3 croissants, 2 chocolate croissants and a cinnamon roll",
     "3 CROISSANT | 2 CHOC_CROISSANT | 1 CINNAMON_ROLL"),
    ("a dozen chocolate chip cookies", "12 COOKIE"),
    ("half a dozen cookies and a couple of baguettes", "6 COOKIE | 2 BAGUETTE"),
    ("can I get four small americanos", "4 AMERICANO size=SMALL"),
    ("1x sourdough loaf sliced, 2x baguette", "1 SOURDOUGH slicing=SLICED | 2 BAGUETTE"),
    ("baguette x3", "3 BAGUETTE"),
    ("twelve cinnamon rolls for the office", "12 CINNAMON_ROLL"),
    ("an almond croissant and a pain au chocolat", "1 ALMOND_CROISSANT | 1 CHOC_CROISSANT"),
    # options: choose-one, choose-many, before and after the product
    ("iced medium latte with skim", "1 LATTE temperature=ICED size=MEDIUM milk=SKIM"),
    ("large mocha with almond milk and whipped cream", "1 MOCHA size=LARGE milk=ALMOND extras=WHIP"),
    ("small flat white with oat", "1 FLAT_WHITE size=SMALL milk=OAT"),
    ("green tea, large", "1 TEA blend=GREEN size=LARGE"),
    ("a medium earl grey tea with soy milk", "1 TEA size=MEDIUM blend=EARL_GREY milk=SOY"),
    ("an everything bagel toasted with cream cheese", "1 BAGEL kind=EVERYTHING prep=TOASTED spread=CREAM_CHEESE"),
    ("sesame bagel with butter and lox", "1 BAGEL kind=SESAME spread=BUTTER spread=LOX"),
    ("a double espresso", "1 ESPRESSO shots=DOUBLE"),
    ("one chocolate croissant warmed up", "1 CHOC_CROISSANT serving=WARM"),
    ("an 8 inch chocolate cake", "1 CAKE size=EIGHT flavor=CHOCOLATE"),
    ("a ten inch red velvet birthday cake", "1 CAKE size=TEN flavor=RED_VELVET"),
    # qualifiers and negation
    ("a large latte with double vanilla, no sugar", "1 LATTE size=LARGE extras=VANILLA+EXTRA !extras=SUGAR"),
    ("medium cappuccino, light on the cinnamon", "1 CAPPUCCINO size=MEDIUM extras=CINNAMON+LIGHT"),
    ("small hot chocolate without whipped cream", "1 HOT_CHOCOLATE size=SMALL !extras=WHIP"),
    ("large hot chocolate with extra marshmallows and hold the whip",
     "1 HOT_CHOCOLATE size=LARGE extras=MARSHMALLOWS+EXTRA !extras=WHIP"),
    ("plain bagel, no butter", "1 BAGEL kind=PLAIN !spread=BUTTER"),
    ("poppy seed bagel with a little cream cheese", "1 BAGEL kind=POPPY spread=CREAM_CHEESE+LIGHT"),
    ("a medium americano with an extra shot but no sugar", "1 AMERICANO size=MEDIUM extras=SHOT !extras=SUGAR"),
    ("large latte, skip the sugar or cinnamon", "1 LATTE size=LARGE !extras=SUGAR !extras=CINNAMON"),
    # options attached to the right item
    ("a large latte with oat milk and a small cappuccino with almond milk",
     "1 LATTE size=LARGE milk=OAT | 1 CAPPUCCINO size=SMALL milk=ALMOND"),
    ("two lattes, one with oat and one with soy, both medium",
     "1 LATTE milk=OAT size=MEDIUM | 1 LATTE milk=SOY size=MEDIUM"),
    ("a bagel with cream cheese and a large mocha", "1 BAGEL spread=CREAM_CHEESE | 1 MOCHA size=LARGE"),
    ("3 large lattes, 2 with oat milk and 1 with almond",
     "2 LATTE size=LARGE milk=OAT | 1 LATTE size=LARGE milk=ALMOND"),
    ("a mocha and a croissant, both warm please", "1 MOCHA | 1 CROISSANT serving=WARM"),
    ("a small latte and another medium one", "1 LATTE size=SMALL | 1 LATTE size=MEDIUM"),
    ("a medium latte and a croissant with oat milk", "1 LATTE size=MEDIUM milk=OAT | 1 CROISSANT"),
    # typos and plurals
    ("two cappucinos small", "2 CAPPUCCINO size=SMALL"),
    ("a large lattee with vanila", "1 LATTE size=LARGE extras=VANILLA"),
    ("3 croisants and a bluberry muffin", "3 CROISSANT | 1 BLUEBERRY_MUFFIN"),
    ("an expresso", "1 ESPRESSO"),
    ("2 cinamon rolls", "2 CINNAMON_ROLL"),
    ("a medium capuccino with almond", "1 CAPPUCCINO size=MEDIUM milk=ALMOND"),
    ("four sourdough loaves", "4 SOURDOUGH"),
    # not food: merchandise, beans, gift cards
    ("a $25 gift card", "1 GIFT_CARD amount=USD25"),
    ("two 50 dollar gift cards", "2 GIFT_CARD amount=USD50"),
    ("1kg of house blend whole bean and a mug in sage", "1 BEANS weight=KG1 grind=WHOLE_BEAN | 1 MUG color=SAGE"),
    ("250g coffee beans, espresso grind", "1 BEANS weight=G250 grind=ESPRESSO_GRIND"),
    ("a tote and 2 mugs, 1 white 1 black", "1 TOTE | 1 MUG color=WHITE | 1 MUG color=BLACK"),
    ("a black ceramic mug and a canvas bag", "1 MUG color=BLACK | 1 TOTE"),
    ("3 tote bags", "3 TOTE"),
    # with contact details and notes around the order
    ("Hi! 2 large lattes with oat milk for pickup, this is Maria 415-555-0199",
     "2 LATTE size=LARGE milk=OAT"),
    ("one sourdough loaf unsliced. deliver to 45 Baker Street please", "1 SOURDOUGH slicing=UNSLICED"),
    ("my name is Tom and I'd like a medium mocha", "1 MOCHA size=MEDIUM"),
    ("a small latte with skim milk. please write happy birthday on the cup", "1 LATTE size=SMALL milk=SKIM"),
    ("good morning! could I get a large americano and a banana muffin thanks",
     "1 AMERICANO size=LARGE | 1 BANANA_MUFFIN"),
    # messages that are not orders
    ("hi there", ""),
    ("where is my order?", ""),
    ("thanks so much!", ""),
]


@pytest.mark.parametrize("message,spec", CASES, ids=[c[0][:40] for c in CASES])
def test_bakery_message_gives_the_expected_lines(message, spec):
    draft = parse(message, demo_catalog("bakery")).to_dict()

    assert actual(draft) == expected(spec), f"got: {shown(draft)}"


def test_the_bakery_set_has_more_than_fifty_messages():
    assert len(CASES) >= 50


def test_contact_details_around_a_bakery_order_are_picked_up():
    draft = parse("Hi! 2 large lattes with oat milk for pickup, this is Maria 415-555-0199",
                  demo_catalog("bakery")).to_dict()

    assert draft["contact"] == {"name": "Maria", "phone": "+14155550199", "address": None}


def test_delivery_address_is_read_and_not_parsed_as_items():
    draft = parse("one sourdough loaf unsliced. deliver to 45 Baker Street please",
                  demo_catalog("bakery")).to_dict()

    assert draft["contact"]["address"] == "45 Baker Street"


def test_a_request_without_items_becomes_the_note():
    draft = parse("a small latte with skim milk. please write happy birthday on the cup",
                  demo_catalog("bakery")).to_dict()

    assert draft["note"] == "please write happy birthday on the cup"


def test_a_bare_muffin_asks_which_muffin():
    draft = parse("a muffin", demo_catalog("bakery")).to_dict()

    assert draft["confidence"] < AUTO_APPROVE_THRESHOLD
    assert draft["clarifications"] == ["Which one did you mean: banana nut muffin or blueberry muffin?"]


def test_a_cake_without_size_and_flavour_asks_for_both():
    draft = parse("a cake for saturday", demo_catalog("bakery")).to_dict()

    assert draft["lines"][0]["sku"] == "CAKE"
    assert draft["confidence"] < 0.5
    assert any(q.startswith("Which size") for q in draft["clarifications"])
    assert any(q.startswith("Which flavor") for q in draft["clarifications"])


def test_part_of_a_quantity_described_splits_the_line_but_asks_a_seller_to_look():
    draft = parse("two croissants, one warmed", demo_catalog("bakery")).to_dict()

    assert actual(draft) == expected("1 CROISSANT | 1 CROISSANT serving=WARM"), shown(draft)
    assert draft["confidence"] < AUTO_APPROVE_THRESHOLD


def test_and_a_number_more_is_another_item_not_a_part():
    draft = parse("3 small lattes and 1 with oat", demo_catalog("bakery")).to_dict()

    assert actual(draft) == expected("3 LATTE size=SMALL | 1 LATTE milk=OAT"), shown(draft)
