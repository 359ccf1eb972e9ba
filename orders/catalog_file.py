"""Reading catalog files: DESIGN.md's JSON format, and a CSV equivalent (README: "Catalog CSV").

Every problem is collected with where it is (a line number), so a seller fixes the file in one
go; a file with any problem imports nothing.

CSV: one row per product, plus one row per option value (the product row may carry the first):

    sku,name,aliases,price,stock,option_group,choose,required,negatable,qualifiers,option_code,option_name,option_aliases,price_delta
    PIZZA,pizza,pizzas|pie,11.00,,size,one,false,false,,LARGE,large,big,3.00
    PIZZA,,,,,topping,many,false,true,EXTRA=extra|lots of,HAM,ham,,

Lists are separated by `|`; qualifiers are `CODE=alias|alias;CODE=alias`. An empty stock means
not tracked. Group settings (choose, required, negatable, qualifiers) may be left empty after
the group's first row. An optional `warranty_months` column (as the JSON's optional
`warranty_months` field) gives the product's warranty in whole months.
"""
from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from orders.domain.warranty import check_months
from orders.errors import CatalogFileError

CSV_COLUMNS = ["sku", "name", "aliases", "price", "stock", "option_group", "choose", "required",
               "negatable", "qualifiers", "option_code", "option_name", "option_aliases",
               "price_delta"]
SHOP_KEYS = ("slug", "name", "currency", "region", "language")


def read_catalog(text: str, filename: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(shop block, products) from a .json or .csv file's text; CatalogFileError lists problems."""
    if filename.lower().endswith(".csv"):
        return {}, read_csv(text)
    if filename.lower().endswith(".json"):
        return read_json(text)
    raise CatalogFileError([f"{filename}: the file must end in .json or .csv"])


def read_json(text: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogFileError([f"line {exc.lineno}: not valid JSON ({exc.msg})"]) from None
    if not isinstance(data, dict) or not isinstance(data.get("products"), list):
        raise CatalogFileError(["line 1: expected an object with a \"products\" list"])
    shop = data.get("shop") or {}
    problems = [] if isinstance(shop, dict) else ["line 1: \"shop\" must be an object"]
    lines = _sku_lines(text)
    seen: set[str] = set()
    for index, product in enumerate(data["products"]):
        sku = product.get("sku") if isinstance(product, dict) else None
        where = f"line {lines.get(sku, '?')}, product {index + 1}" + (f" ({sku})" if sku else "")
        problems += [f"{where}: {p}" for p in check_product(product, seen)]
    if problems:
        raise CatalogFileError(problems)
    return (shop if isinstance(shop, dict) else {}), data["products"]


def _sku_lines(text: str) -> dict[str, int]:
    """Where each `"sku": "X"` appears, to point at products by line."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for match in re.finditer(r'"sku"\s*:\s*"([^"]*)"', line):
            found.setdefault(match.group(1), number)
    return found


def check_product(product: Any, seen: set[str]) -> list[str]:
    """What is wrong with one product of the DESIGN JSON format (nothing: an empty list)."""
    if not isinstance(product, dict):
        return ["a product must be an object"]
    problems = []
    sku = product.get("sku")
    if not isinstance(sku, str) or not sku.strip():
        problems.append("sku is missing")
    elif sku in seen:
        problems.append(f"sku {sku} appears twice")
    else:
        seen.add(sku)
    if not isinstance(product.get("name"), str) or not product["name"].strip():
        problems.append("name is missing")
    if product.get("price") is None:
        problems.append("price is missing")
    elif not _is_amount(product.get("price"), allow_negative=False):
        problems.append(f"price {product.get('price')!r} is not an amount such as \"11.00\"")
    stock = product.get("stock")
    if stock is not None and (not isinstance(stock, int) or isinstance(stock, bool) or stock < 0):
        problems.append(f"stock {stock!r} must be a whole number of at least 0, or null")
    if not _is_str_list(product.get("aliases", [])):
        problems.append("aliases must be a list of words")
    if problem := check_months(product.get("warranty_months")):
        problems.append(problem)
    options = product.get("options", [])
    if not isinstance(options, list):
        return problems + ["options must be a list of groups"]
    groups: set[str] = set()
    for group in options:
        problems += check_group(group, groups)
    return problems


def check_group(group: Any, groups: set[str]) -> list[str]:
    if not isinstance(group, dict) or not isinstance(group.get("group"), str) or not group["group"]:
        return ["every option group needs a \"group\" name"]
    name, problems = group["group"], []
    if name in groups:
        problems.append(f"option group {name} appears twice")
    groups.add(name)
    if group.get("choose", "one") not in ("one", "many"):
        problems.append(f"option group {name}: choose must be \"one\" or \"many\"")
    for flag in ("required", "negatable"):
        if not isinstance(group.get(flag, False), bool):
            problems.append(f"option group {name}: {flag} must be true or false")
    for qualifier in group.get("qualifiers", []) or []:
        if not isinstance(qualifier, dict) or not qualifier.get("code") or \
                not _is_str_list(qualifier.get("aliases", [])):
            problems.append(f"option group {name}: a qualifier needs a code and a list of aliases")
    values = group.get("values")
    if not isinstance(values, list) or not values:
        return problems + [f"option group {name} has no values"]
    codes: set[str] = set()
    for value in values:
        code = value.get("code") if isinstance(value, dict) else None
        if not isinstance(code, str) or not code:
            problems.append(f"option group {name}: a value has no code")
            continue
        if code in codes:
            problems.append(f"option group {name}: value {code} appears twice")
        codes.add(code)
        if not _is_str_list(value.get("aliases", [])):
            problems.append(f"option {name}/{code}: aliases must be a list of words")
        if "price_delta" in value and not _is_amount(value["price_delta"], allow_negative=True):
            problems.append(f"option {name}/{code}: price_delta {value['price_delta']!r} "
                            "is not an amount")
    return problems


def _is_amount(value: Any, *, allow_negative: bool) -> bool:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return False
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return False
    return amount.is_finite() and (allow_negative or amount >= 0)


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def read_csv(text: str) -> list[dict[str, Any]]:
    """Products in the JSON shape from the CSV format above, or every bad row by line number."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("sku", "name", "price") if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogFileError([f"line 1: the header lacks {', '.join(missing)} "
                                f"(columns: {','.join(CSV_COLUMNS)})"])
    products: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for row in reader:
        where = f"line {reader.line_num}"
        cells = {k: (v or "").strip() for k, v in row.items() if k}
        problems += [f"{where}: {p}" for p in _csv_row(cells, products, reader.line_num)]
    seen: set[str] = set()
    for product in products.values():
        problems += [f"line {product['_line']} ({product['sku']}): {p}"
                     for p in check_product({k: v for k, v in product.items() if k != "_line"}, seen)]
    if problems:
        raise CatalogFileError(sorted(problems, key=_line_of))
    return [{k: v for k, v in p.items() if k != "_line"} for p in products.values()]


def _line_of(problem: str) -> int:
    match = re.match(r"line (\d+)", problem)
    return int(match.group(1)) if match else 0


def _csv_row(cells: dict[str, str], products: dict[str, dict[str, Any]], line: int) -> list[str]:
    sku = cells.get("sku", "")
    if not sku:
        return ["sku is missing"]
    product = products.get(sku)
    if product is None:
        if not cells.get("name") or not cells.get("price"):
            return [f"the first row of {sku} needs its name and price"]
        try:
            stock = int(cells["stock"]) if cells.get("stock") else None
        except ValueError:
            return [f"stock {cells['stock']!r} must be a whole number or empty"]
        try:
            months = int(cells["warranty_months"]) if cells.get("warranty_months") else None
        except ValueError:
            return [f"warranty_months {cells['warranty_months']!r} must be a whole number or empty"]
        product = products[sku] = {"sku": sku, "name": cells["name"], "aliases": _split(
            cells.get("aliases")), "price": cells["price"], "stock": stock, "options": [],
            "_line": line}
        if months is not None:
            product["warranty_months"] = months
    elif cells.get("name") or cells.get("price"):
        return [f"{sku} was already defined; put its name and price on one row only"]
    if not cells.get("option_group"):
        return [] if not cells.get("option_code") else ["option_code given without option_group"]
    return _csv_option(cells, product)


def _csv_option(cells: dict[str, str], product: dict[str, Any]) -> list[str]:
    name, code = cells["option_group"], cells.get("option_code", "")
    if not code:
        return [f"option group {name} needs an option_code"]
    group = next((g for g in product["options"] if g["group"] == name), None)
    settings = {"choose": cells.get("choose") or None,
                "required": _bool(cells.get("required")), "negatable": _bool(cells.get("negatable")),
                "qualifiers": _qualifiers(cells.get("qualifiers"))}
    if group is None:
        group = {"group": name, "choose": settings["choose"] or "one",
                 "required": settings["required"] or False,
                 "negatable": settings["negatable"] or False, "values": []}
        if settings["qualifiers"]:
            group["qualifiers"] = settings["qualifiers"]
        product["options"].append(group)
    else:
        for key, value in settings.items():
            if value not in (None, []) and value != group.get(key):
                return [f"option group {name}: {key} differs from its first row"]
    value = {"code": code, "name": cells.get("option_name") or code.lower(),
             "aliases": _split(cells.get("option_aliases"))}
    if cells.get("price_delta"):
        value["price_delta"] = cells["price_delta"]
    group["values"].append(value)
    return []


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split("|") if part.strip()]


def _bool(cell: str | None) -> Any:
    if not cell:
        return None
    return {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}.get(
        cell.lower(), cell)


def _qualifiers(cell: str | None) -> list[dict[str, Any]]:
    out = []
    for part in (cell or "").split(";"):
        code, _, aliases = part.partition("=")
        if code.strip():
            out.append({"code": code.strip(), "aliases": _split(aliases)})
    return out
