"""A florist (bot/catalogs/florist.json) whose messages were written after the main parser work and
run once: a check on a shop the rules never saw. First run: 19 of 20. The miss is kept as an
expected failure and not tuned away (see benchmarks/README.md)."""
from __future__ import annotations

import pytest

from ingestion.parser import parse

from .factories import actual, demo_catalog, expected, shown

CASES = [
    ("a dozen red roses please", "12 ROSES colour=RED"),
    ("one large bouquet of roses, pink, with a vase and a card", "1 ROSES size=L colour=PINK extras=VASE extras=CARD"),
    ("medium tulips in yellow, no greenery", "1 TULIPS size=M colour=YELLOW !extras=GREENERY"),
    ("2 small sunflower bunches", "2 SUNFLOWERS size=S"),
    ("a white orchid and a happy birthday balloon", "1 ORCHID colour=WHITE | 1 BALLOON message=BDAY"),
    ("florist's choice, deluxe, with chocolates", "1 SEASONAL size=L extras=CHOCS"),
    ("Can I order a christmas wreath for the front door?", "1 WREATH style=WINTER"),
    ("3 succulent trios", "3 SUCCULENT"),
    ("large mixed roses + same day delivery", "1 ROSES size=L colour=MIXED | 1 DELIVERY"),
    ("two get well soon balloons and a medium seasonal bouquet", "2 BALLOON message=GET_WELL | 1 SEASONAL size=M"),
    ("a petite bunch of tulips, assorted colours", "1 TULIPS size=S colour=MIXED"),
    ("a purple orchid plant", "1 ORCHID colour=PURPLE"),
    ("one dried flower wreath and 2 balloons saying i love you", "1 WREATH style=DRIED | 2 BALLOON message=LOVE"),
    ("standard rose bouquet, red, without the card", "1 ROSES size=M colour=RED !extras=CARD"),
    ("6 sunflowers in a vase, big", "6 SUNFLOWERS extras=VASE size=L"),
    pytest.param("Hi, it's for my mom's birthday - a large pink tulip bouquet please. This is Sam, 312-555-0147",
                 "1 TULIPS size=L colour=PINK", marks=pytest.mark.xfail(
                     reason="'birthday' alone is read as the balloon message option and a balloon is added",
                     strict=True)),
    ("two bouquets of roses, one red one white, both medium",
     "1 ROSES colour=RED size=M | 1 ROSES colour=WHITE size=M"),
    ("express delivery for a small seasonal bouquet", "1 DELIVERY | 1 SEASONAL size=S"),
    ("do you have lilies?", ""),
    ("has my bouquet been delivered yet?", ""),
]


@pytest.mark.parametrize("message,spec", CASES)
def test_florist_message_gives_the_expected_lines(message, spec):
    draft = parse(message, demo_catalog("florist")).to_dict()

    assert actual(draft) == expected(spec), f"got: {shown(draft)}"


def test_the_florist_miss_is_not_auto_approved_and_the_contact_is_read():
    draft = parse("Hi, it's for my mom's birthday - a large pink tulip bouquet please. This is Sam, 312-555-0147",
                  demo_catalog("florist")).to_dict()

    assert draft["confidence"] < 0.9
    assert draft["contact"] == {"name": "Sam", "phone": "+13125550147", "address": None}
