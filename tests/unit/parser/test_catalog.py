"""Catalogs: errors a seller can read, defaults, and an index that is built once and reused."""
from __future__ import annotations

import pytest

from ingestion.parser import Catalog, CatalogError, parse

from .factories import catalog_of


@pytest.mark.parametrize("data,says", [
    ([], "JSON object"),
    ({"products": "x"}, "'products' list"),
    ({"products": [{"name": "tea"}]}, "product #1 needs a 'sku'"),
    ({"products": [{"sku": "T", "name": "tea", "aliases": "chai"}]}, "product T: 'aliases'"),
    ({"products": [{"sku": "T", "name": "tea", "options": [{"values": []}]}]}, "needs a 'group'"),
    ({"products": [{"sku": "T", "name": "tea", "options": [{"group": "size", "choose": "some"}]}]}, "'choose'"),
    ({"products": [{"sku": "T", "name": "tea", "options": [{"group": "size", "values": [{"name": "x"}]}]}]},
     "every value needs a 'code'"),
])
def test_a_malformed_catalog_names_what_to_fix(data, says):
    with pytest.raises(CatalogError, match=says):
        Catalog.from_dict(data)


def test_shop_defaults_are_us_and_english():
    catalog = Catalog.from_dict({"products": []})

    assert (catalog.shop.region, catalog.shop.language, catalog.language.code) == ("US", "en", "en")


def test_an_unknown_language_falls_back_to_english():
    assert catalog_of(language="xx").language.code == "en"


def test_an_empty_catalog_still_parses():
    draft = parse("two pizzas please", Catalog.from_dict({"products": []}))

    assert draft.lines == [] and draft.unparsed == ["pizzas"]


def test_a_product_only_its_options_fit_is_inferred():
    catalog = catalog_of(
        {"sku": "SHIRT", "name": "t-shirt", "options": [{"group": "size", "values": [{"code": "M", "name": "medium"}]},
                                                       {"group": "colour", "values": [{"code": "RED", "name": "red"}]}]},
        {"sku": "MUG", "name": "mug", "options": [{"group": "colour", "values": [{"code": "RED", "name": "red"}]}]})

    draft = parse("2 medium red please", catalog).to_dict()

    assert [(l["sku"], l["quantity"]) for l in draft["lines"]] == [("SHIRT", 2)]
    assert draft["confidence"] < 0.9


def test_two_products_with_the_same_name_are_asked_about():
    catalog = catalog_of({"sku": "A", "name": "hoodie"}, {"sku": "B", "name": "hoodie"})

    draft = parse("a hoodie", catalog)

    assert draft.confidence < 0.5
    assert draft.clarifications == ["Which one did you mean: hoodie or hoodie?"]


def test_the_index_answers_typos_from_a_large_catalog_without_scanning_it():
    products = [{"sku": f"P{i}", "name": f"item{i} {w}"} for i, w in enumerate(["blanket", "lantern"] * 5000)]
    products.append({"sku": "VASE", "name": "ceramic vase"})
    catalog = catalog_of(*products)

    draft = parse("one ceramic vsae", catalog)

    assert [l.sku for l in draft.lines] == ["VASE"]


def test_words_of_a_longer_name_narrow_each_other_down():
    catalog = catalog_of({"sku": "BWS", "name": "blue wool scarf"}, {"sku": "BCS", "name": "blue cotton shirt"},
                         {"sku": "RWS", "name": "red wool scarf"})

    draft = parse("a blue scarf please", catalog)

    assert [line.sku for line in draft.lines] == ["BWS"]
    assert draft.clarifications == []
    assert draft.confidence < 0.9          # said partly: a seller should glance at it


def test_an_option_is_found_by_its_last_word_and_plural_with_a_little_less_confidence():
    catalog = catalog_of({"sku": "PIZZA", "name": "pizza", "options": [
        {"group": "topping", "choose": "many", "negatable": True,
         "values": [{"code": "OLIVES", "name": "black olives"}, {"code": "PEPPERONI", "name": "pepperoni"}]}]})

    full, short = parse("a pizza with black olive", catalog), parse("a pizza with olives", catalog)

    assert [(o.code, o.negated) for o in short.lines[0].options] == [("OLIVES", False)]
    assert short.confidence < full.confidence
