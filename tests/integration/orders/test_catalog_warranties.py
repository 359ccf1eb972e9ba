"""Catalog files may give a product `warranty_months` (JSON field, CSV column); the import keeps
it, orders snapshot it on their lines, and a bad value is reported with its line."""
from __future__ import annotations

import json

import pytest

from orders.catalog_file import read_catalog
from orders.errors import CatalogFileError
from orders.services import import_catalog, load_catalog

CATALOG = {"products": [
    {"sku": "DRILL", "name": "drill", "price": "80.00", "stock": None, "warranty_months": 24},
    {"sku": "BITS", "name": "drill bits", "price": "9.00"},
]}


async def test_warranty_months_are_imported_and_snapshotted_on_order_lines(db, make):
    shop = await make.shop()
    admin = await make.member(shop, "admin")
    _, products = read_catalog(json.dumps(CATALOG), "tools.json")
    await import_catalog(db.uow(), shop.slug, {}, products, actor=admin)

    exported = {p["sku"]: p for p in (await load_catalog(db.uow(), shop.id))["products"]}
    order = await make.order(admin, [("DRILL", 1), ("BITS", 2)])

    assert exported["DRILL"]["warranty_months"] == 24 and "warranty_months" not in exported["BITS"]
    assert [line.warranty_months for line in order.lines] == [24, None]


def test_a_bad_warranty_is_reported_with_its_line():
    bad = json.dumps({"products": [{"sku": "X", "name": "x", "price": "1", "warranty_months": 0}]},
                     indent=1)
    with pytest.raises(CatalogFileError, match="product 1 \\(X\\): warranty_months 0 must be"):
        read_catalog(bad, "x.json")


def test_csv_takes_an_optional_warranty_column():
    text = "sku,name,price,warranty_months\nDRILL,drill,80.00,12\nBITS,bits,9.00,\n"
    _, products = read_catalog(text, "tools.csv")
    assert [p.get("warranty_months") for p in products] == [12, None]
