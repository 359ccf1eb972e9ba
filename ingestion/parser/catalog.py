"""The shop's catalog as the parser sees it: products, option groups, qualifiers, plus the index.

Built once per catalog (`Catalog.from_dict`) and reused for every message of that shop.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .errors import CatalogError
from .language import Language, load


@dataclass(frozen=True, slots=True)
class OptionValue:
    code: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Qualifier:
    code: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class OptionGroup:
    name: str
    choose_many: bool
    required: bool
    negatable: bool
    values: tuple[OptionValue, ...]
    qualifiers: tuple[Qualifier, ...] = ()

    def value(self, code: str) -> OptionValue | None:
        return next((v for v in self.values if v.code == code), None)

    def has_qualifier(self, code: str) -> bool:
        return any(q.code == code for q in self.qualifiers)


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    aliases: tuple[str, ...]
    groups: tuple[OptionGroup, ...]
    price: str | None = None
    value_keys: frozenset[tuple[str, str]] = field(default=frozenset(), compare=False)

    def group(self, name: str) -> OptionGroup | None:
        return next((g for g in self.groups if g.name == name), None)

    def offers(self, group: str, code: str) -> bool:
        return (group, code) in self.value_keys


@dataclass(frozen=True)
class Shop:
    slug: str | None
    name: str | None
    currency: str | None
    region: str
    language: str


class Catalog:
    """Products plus a reusable lookup index; build once per shop, parse many messages."""

    def __init__(self, shop: Shop, products: list[Product]):
        from .index import CatalogIndex  # the index needs the finished catalog

        self.shop = shop
        self.products = products
        self.by_sku = {p.sku: p for p in products}
        self.language: Language = load(shop.language)
        self.index = CatalogIndex(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Catalog":
        if not isinstance(data, Mapping):
            raise CatalogError("the catalog must be a JSON object with a 'products' list")
        raw_shop = data.get("shop") or {}
        if not isinstance(raw_shop, Mapping):
            raise CatalogError("'shop' must be an object")
        shop = Shop(
            slug=_opt_str(raw_shop.get("slug")),
            name=_opt_str(raw_shop.get("name")),
            currency=_opt_str(raw_shop.get("currency")),
            region=(_opt_str(raw_shop.get("region")) or "US").upper(),
            language=(_opt_str(raw_shop.get("language")) or "en").lower(),
        )
        products = data.get("products")
        if not isinstance(products, list):
            raise CatalogError("the catalog needs a 'products' list")
        return cls(shop, [_product(p, i) for i, p in enumerate(products)])


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _names(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(a, str) for a in raw):
        raise CatalogError(f"{where}: 'aliases' must be a list of strings")
    return tuple(a for a in raw if a.strip())


def _product(raw: Any, position: int) -> Product:
    if not isinstance(raw, Mapping) or not raw.get("sku") or not raw.get("name"):
        raise CatalogError(f"product #{position + 1} needs a 'sku' and a 'name'")
    sku, where = str(raw["sku"]), f"product {raw['sku']}"
    groups = tuple(_group(g, where) for g in raw.get("options") or [])
    keys = frozenset((g.name, v.code) for g in groups for v in g.values)
    price = raw.get("price")
    return Product(sku, str(raw["name"]), _names(raw.get("aliases"), where), groups,
                   None if price is None else str(price), keys)


def _group(raw: Any, where: str) -> OptionGroup:
    if not isinstance(raw, Mapping) or not raw.get("group"):
        raise CatalogError(f"{where}: every option group needs a 'group' name")
    name = str(raw["group"])
    where = f"{where}, option group {name}"
    choose = raw.get("choose", "one")
    if choose not in ("one", "many"):
        raise CatalogError(f"{where}: 'choose' must be \"one\" or \"many\"")
    values = []
    for v in raw.get("values") or []:
        if not isinstance(v, Mapping) or not v.get("code"):
            raise CatalogError(f"{where}: every value needs a 'code'")
        values.append(OptionValue(str(v["code"]), str(v.get("name") or v["code"]),
                                  _names(v.get("aliases"), f"{where}, value {v['code']}")))
    qualifiers = []
    for q in raw.get("qualifiers") or []:
        if not isinstance(q, Mapping) or not q.get("code"):
            raise CatalogError(f"{where}: every qualifier needs a 'code'")
        qualifiers.append(Qualifier(str(q["code"]), _names(q.get("aliases"), f"{where}, qualifier {q['code']}")))
    return OptionGroup(name, choose == "many", bool(raw.get("required", False)),
                       bool(raw.get("negatable", False)), tuple(values), tuple(qualifiers))
