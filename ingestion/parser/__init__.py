"""The order parser: one customer message and the shop's catalog in, a scored draft out.

    from ingestion.parser import Catalog, parse, parse_cart, AUTO_APPROVE_THRESHOLD

    catalog = Catalog.from_dict(catalog_json)     # build once per shop, reuse for every message
    draft = parse("two large pepperoni and a coke", catalog)
    draft.to_dict()                               # DESIGN.md "Draft JSON" plus "intent"
    draft.confidence >= AUTO_APPROVE_THRESHOLD    # safe to approve without a seller

Pure: no I/O, no database, nothing about any particular shop.
"""
from .cart import parse_cart
from .catalog import Catalog
from .confidence import AUTO_APPROVE_THRESHOLD
from .draft import Contact, Draft, DraftLine, DraftOption
from .errors import CatalogError, ParserError
from .parse import parse

__all__ = ["AUTO_APPROVE_THRESHOLD", "Catalog", "CatalogError", "Contact", "Draft", "DraftLine",
           "DraftOption", "ParserError", "parse", "parse_cart"]
