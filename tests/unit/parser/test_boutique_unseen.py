"""A clothing shop (bot/catalogs/boutique.json) with messages written before the parser ever saw
this catalog: a check on catalogs the rules were not developed on. The first run is reported in
benchmarks/README.md; expectations are what a careful person would write down."""
from __future__ import annotations

import pytest

from ingestion.parser import parse

from .factories import actual, demo_catalog, expected, shown

CASES = [
    ("two black t-shirts in medium", "2 TEE colour=BLACK size=M"),
    ("a navy hoodie size L, zip up", "1 HOODIE colour=NAVY size=L style=ZIP"),
    ("1 pair of jeans, waist 32, dark wash", "1 JEANS waist=W32 wash=DARK"),
    ("sneakers size 9 in white", "1 SNEAKERS shoe_size=US9 colour=WHITE"),
    ("3 pairs of wool socks l/xl", "3 SOCKS size=LXL"),
    ("a mustard beanie and a grey scarf", "1 BEANIE colour=MUSTARD | 1 SCARF colour=GREY"),
    ("small white tee slim fit", "1 TEE size=S colour=WHITE fit=SLIM"),
    ("I'd like the forest green hoodie in extra large", "1 HOODIE colour=FOREST_GREEN size=XL"),
    ("two tees, one white one black, both large", "1 TEE colour=WHITE size=L | 1 TEE colour=BLACK size=L"),
    ("jeans 30 waist long leg light wash", "1 JEANS waist=W30 length=LONG wash=LIGHT"),
    ("a black cap and a tote bag please", "1 CAP colour=BLACK | 1 TOTE"),
    ("can you gift wrap it? one tartan scarf", "1 GIFT_WRAP | 1 SCARF colour=TARTAN"),
    ("2 hoodies (black, medium) and 1 beanie navy", "2 HOODIE colour=BLACK size=M | 1 BEANIE colour=NAVY"),
    ("red trainers us 10", "1 SNEAKERS colour=RED shoe_size=US10"),
    ("oversized heather grey shirt, XL", "1 TEE fit=RELAXED colour=HEATHER_GREY size=XL"),
    ("a pullover hoodie, navy, small", "1 HOODIE style=PULLOVER colour=NAVY size=S"),
    ("three tote bags and two khaki caps", "3 TOTE | 2 CAP colour=KHAKI"),
    ("a hoody in forrest green, medium", "1 HOODIE colour=FOREST_GREEN size=M"),
    ("jeans in black, w34, regular length", "1 JEANS wash=BLACK waist=W34 length=REGULAR"),
    ("one camel scarf and a black beanie, gift wrapped please", "1 SCARF colour=CAMEL | 1 BEANIE colour=BLACK | 1 GIFT_WRAP"),
    ("hi, do you ship to London?", ""),
    ("where's my order, it's been a week", ""),
]


@pytest.mark.parametrize("message,spec", CASES, ids=[c[0][:40] for c in CASES])
def test_unseen_shop_message_gives_the_expected_lines(message, spec):
    draft = parse(message, demo_catalog("boutique")).to_dict()

    assert actual(draft) == expected(spec), f"got: {shown(draft)}"
