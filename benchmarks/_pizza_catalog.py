"""The PIZZA dataset's alias files (catalogs/*.txt) as an orderbot catalog file.

This is the only place that knows the PIZZA entity names: one product PIZZA with size, style and
topping groups (qualifiers from quant_qualifier.txt), one product per drink type with size,
volume and container groups. The parser gets the same kind of catalog any shop would give it.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from pathlib import Path

_LINE = re.compile(r"^(?P<surface>[^\t]+)\t\s*(?P<kind>\w+)\((?P<args>[^)]*)\)\s*$")


def _entities(path: Path) -> "OrderedDict[str, list[str]]":
    """entity code -> its surfaces, first one first (the name)."""
    found: OrderedDict[str, list[str]] = OrderedDict()
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        code = " ".join(a.strip() for a in m.group("args").split(","))
        surfaces = found.setdefault(code, [])
        if m.group("surface").strip() not in surfaces:
            surfaces.append(m.group("surface").strip())
    return found


def _values(entities) -> list[dict]:
    return [{"code": code, "name": names[0], "aliases": names[1:]} for code, names in entities.items()]


def build(catalog_dir: Path) -> dict:
    d = Path(catalog_dir)
    qualifiers = [{"code": code, "aliases": names} for code, names in _entities(d / "quant_qualifier.txt").items()]
    size = {"group": "size", "choose": "one", "values": _values(_entities(d / "size.txt"))}
    pizza = {
        "sku": "PIZZA", "name": "pizza", "aliases": ["pizzas", "pie", "pies"], "price": "12.00",
        "options": [
            size,
            {"group": "style", "choose": "many", "negatable": True, "values": _values(_entities(d / "style.txt"))},
            {"group": "topping", "choose": "many", "negatable": True, "qualifiers": qualifiers,
             "values": _values(_entities(d / "topping.txt"))},
        ],
    }
    drink_groups = [
        size,
        {"group": "volume", "choose": "one", "values": _values(_entities(d / "drink_volume.txt"))},
        {"group": "container", "choose": "one", "values": _values(_entities(d / "container.txt"))},
    ]
    drinks = [{"sku": code, "name": names[0], "aliases": names[1:], "price": "2.50", "options": drink_groups}
              for code, names in _entities(d / "drinks.txt").items()]
    return {"shop": {"slug": "pizza-bench", "name": "PIZZA benchmark", "currency": "USD", "region": "US",
                     "language": "en"},
            "products": [pizza, *drinks]}
