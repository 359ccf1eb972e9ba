"""A WhatsApp catalog cart (an `order` message) as a draft: exact, so confidence 1.0."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from .catalog import Catalog
from .draft import ORDER, Draft, DraftLine


def parse_cart(catalog: Catalog, items: Iterable) -> Draft:
    """Cart rows (product_retailer_id, quantity[, item_price, currency]), as tuples or as
    WhatsApp's dicts, to a draft. Rows with an unknown product or an unusable quantity are left
    out, named in `unparsed` and asked about; then the draft is no longer exact (confidence 0)."""
    lang = catalog.language
    draft = Draft(intent=ORDER, confidence=1.0)
    try:
        rows = list(items or [])
    except TypeError:
        rows = []
    for row in rows:
        sku, quantity, price, currency = _row(row)
        product = catalog.by_sku.get(sku) if sku is not None else None
        if product is None or quantity is None:
            draft.unparsed.append(str(sku))
            draft.clarifications.append(lang.question("unknown_sku", sku=str(sku)))
            draft.confidence = 0.0
            continue
        draft.lines.append(DraftLine(product.sku, product.name, quantity, 1.0, f"{quantity} x {product.name}",
                                     unit_price=price, currency=currency))
    if not draft.lines:
        draft.confidence = 0.0
        if not draft.clarifications:
            draft.clarifications.append(lang.question("empty_order"))
    return draft


def _row(row) -> tuple[str | None, int | None, str | None, str | None]:
    if isinstance(row, Mapping):
        values = [row.get("product_retailer_id", row.get("sku")), row.get("quantity"),
                  row.get("item_price"), row.get("currency")]
    elif isinstance(row, (list, tuple)):
        values = list(row[:4]) + [None] * (4 - len(row[:4]))
    else:
        return None, None, None, None
    sku, quantity, price, currency = values
    try:
        quantity = int(quantity)
        if str(quantity) != str(values[1]).strip() and not isinstance(values[1], int):
            quantity = int(float(values[1])) if float(values[1]).is_integer() else None
    except (TypeError, ValueError, OverflowError):
        quantity = None
    if quantity is not None and quantity <= 0:
        quantity = None
    return (None if sku is None else str(sku), quantity,
            None if price is None else str(price), None if currency is None else str(currency))
