"""When the customer wants it ("for saturday", "at 7:30pm", "mañana a las 8") goes into the
draft's note, and its numbers are never read as quantities."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingestion.parser import Catalog, parse

CATALOGS = Path(__file__).resolve().parents[3] / "bot" / "catalogs"


def catalog(name: str) -> Catalog:
    return Catalog.from_dict(json.loads((CATALOGS / name).read_text()))


@pytest.mark.parametrize("text, note, lines", [
    ("five large ham pizzas for saturday", "for saturday", [(5, "PIZZA")]),
    ("two large ham pizzas, deliver at 7pm please", "deliver at 7pm", [(2, "PIZZA")]),
    ("a large pepperoni pizza for tonight at 8:30", "for tonight at 8:30", [(1, "PEPPERONI_PIZZA")]),
    ("2 cokes by 6:45 pm. note: ring twice", "by 6:45 pm ring twice", [(2, "COKE")]),
])
def test_when_goes_into_the_note(text, note, lines):
    draft = parse(text, catalog("pizzeria.json")).to_dict()
    assert draft["note"] == note
    assert [(line["quantity"], line["sku"]) for line in draft["lines"]] == lines
    assert draft["unparsed"] == []


def test_a_bare_english_hour_is_left_as_a_doubt_not_taken_for_a_time():
    draft = parse("2 pizzas at 7 and a coke", catalog("pizzeria.json")).to_dict()
    assert [(line["quantity"], line["sku"]) for line in draft["lines"]] == [(2, "PIZZA"), (1, "COKE")]
    assert draft["note"] is None


def test_spanish_days_and_hours():
    draft = parse("dos cafés para mañana a las 8", catalog("panaderia.json")).to_dict()
    assert draft["note"] == "para mañana a las 8"
    assert [(line["quantity"], line["sku"]) for line in draft["lines"]] == [(2, "CAFE")]
