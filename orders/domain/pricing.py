"""Prices of order lines from the catalog: product price plus the chosen options' price deltas."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from orders.errors import InvalidInput

CENT = Decimal("0.01")
ORDER_NUMBER_PREFIX = "ORD-"


def format_order_number(sequence: int) -> str:
    """The per-shop human number: 1 -> ORD-00001 (more digits once past 99999)."""
    return f"{ORDER_NUMBER_PREFIX}{sequence:05d}"


def money(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except ArithmeticError:
        raise InvalidInput(f"{value!r} is not an amount of money.") from None
    if not amount.is_finite():
        raise InvalidInput(f"{value!r} is not an amount of money.")
    return amount


def option_snapshots(sku: str, catalog_options: Iterable[Mapping[str, Any]],
                     chosen: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Snapshot each chosen option (as the parser's Draft JSON names it) with its name and price.

    Raises InvalidInput for a group or code the product does not have.
    """
    groups = {g["group"]: g for g in catalog_options}
    snapshots = []
    for choice in chosen:
        group = groups.get(choice.get("group"))
        if group is None:
            raise InvalidInput(f"{sku} has no option group {choice.get('group')!r}.")
        value = next((v for v in group.get("values", []) if v["code"] == choice.get("code")), None)
        if value is None:
            raise InvalidInput(f"{sku} has no {group['group']} option {choice.get('code')!r}.")
        snap = {"group": group["group"], "code": value["code"], "name": value.get("name", value["code"]),
                "price_delta": str(money(value.get("price_delta", "0")))}
        for flag in ("qualifier", "negated"):
            if choice.get(flag):
                snap[flag] = choice[flag]
        snapshots.append(snap)
    return snapshots


def unit_price(base: Decimal, options: Iterable[Mapping[str, Any]]) -> Decimal:
    """Base price plus deltas of options actually added (a negated option costs nothing)."""
    extra = sum((money(o["price_delta"]) for o in options if not o.get("negated")), Decimal("0"))
    return money(base + extra)


def line_total(price: Decimal, quantity: int) -> Decimal:
    return money(price * quantity)
