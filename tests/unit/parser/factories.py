"""Catalogs and a compact way to write expected drafts, for the parser tests."""
from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path

from ingestion.parser import Catalog

CATALOGS = Path(__file__).resolve().parents[3] / "bot" / "catalogs"


@lru_cache(maxsize=None)
def demo_catalog(name: str) -> Catalog:
    """A catalog from bot/catalogs (built once per test session, as the worker would)."""
    return Catalog.from_dict(json.loads((CATALOGS / f"{name}.json").read_text(encoding="utf-8")))


def catalog_of(*products: dict, language: str = "en", region: str = "US") -> Catalog:
    return Catalog.from_dict({"shop": {"slug": "test", "language": language, "region": region},
                              "products": list(products)})


def expected(spec: str) -> Counter:
    """'2 LATTE size=LARGE extras=VANILLA+EXTRA !extras=SUGAR | 1 CROISSANT' as comparable lines.

    Each line: quantity, sku, then options as group=CODE, `+QUALIFIER` for a qualifier and a
    leading `!` for a negated option; spaces in group names are written as `_`.
    """
    lines = Counter()
    for part in filter(None, (p.strip() for p in spec.split("|"))):
        quantity, sku, *options = part.split()
        parsed = []
        for o in options:
            negated = o.startswith("!")
            group, _, value = o.lstrip("!").partition("=")
            code, _, qualifier = value.partition("+")
            parsed.append((group, code, qualifier or None, negated))
        lines[(int(quantity), sku, frozenset(Counter(parsed).items()))] += 1
    return lines


def actual(draft: dict) -> Counter:
    lines = Counter()
    for line in draft["lines"]:
        options = Counter((o["group"].replace(" ", "_"), o["code"], o.get("qualifier"), bool(o.get("negated")))
                          for o in line["options"])
        lines[(line["quantity"], line["sku"], frozenset(options.items()))] += 1
    return lines


def shown(draft: dict) -> str:
    """A draft in the same compact notation, for readable failures."""
    parts = []
    for line in draft["lines"]:
        opts = [("!" if o.get("negated") else "") + f"{o['group']}={o['code']}"
                + (f"+{o['qualifier']}" if o.get("qualifier") else "") for o in line["options"]]
        parts.append(" ".join([str(line["quantity"]), line["sku"], *opts]))
    return " | ".join(parts)
