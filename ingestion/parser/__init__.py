"""The order parser: one customer message and the shop's catalog in, a scored draft out.

    from ingestion.parser import AUTO_APPROVE_THRESHOLD, Catalog, parse, parse_cart

    catalog = Catalog.from_dict(catalog_json)     # DESIGN.md catalog file; build once per shop
    draft = parse("two large pepperoni and a coke", catalog)      # never raises
    draft.to_dict()             # DESIGN.md "Draft JSON" plus "intent" (order, greeting, ...)
    draft.confidence >= AUTO_APPROVE_THRESHOLD    # right often enough to approve unseen

    cart = parse_cart(catalog, [("PIZZA", 2, "11.00", "USD")])   # WhatsApp cart: confidence 1.0

`Catalog.from_dict` raises `CatalogError` (message names the product or field) for a catalog it
cannot use; `parse` and `parse_cart` never raise. Pure: no I/O, no database, nothing about any
particular shop; the words of each language are data in `lang/<code>.json`.
"""
from .cart import parse_cart
from .catalog import Catalog
from .confidence import AUTO_APPROVE_THRESHOLD
from .draft import Contact, Draft, DraftLine, DraftOption
from .errors import CatalogError, ParserError
from .parse import parse

__all__ = ["AUTO_APPROVE_THRESHOLD", "Catalog", "CatalogError", "Contact", "Draft", "DraftLine",
           "DraftOption", "ParserError", "parse", "parse_cart"]
