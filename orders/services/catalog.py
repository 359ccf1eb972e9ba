"""The catalog: importing products from a file (upsert by sku) and handing it to the parser."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orders.catalog_file import SHOP_KEYS
from orders.db import new_id, utcnow
from orders.domain import pricing
from orders.domain.actors import Actor
from orders.domain.roles import Permission
from orders.errors import ShopNotFound
from orders.models import Product, Shop
from orders.uow import UnitOfWork


@dataclass(frozen=True)
class ImportReport:
    created: list[str]
    updated: list[str]
    shop_filled: dict[str, str]


async def import_catalog(uow: UnitOfWork, shop_slug: str, shop_block: dict[str, Any],
                         products: list[dict[str, Any]], *, actor: Actor | None = None) -> ImportReport:
    """Upsert `products` (already checked by orders.catalog_file) by sku into the shop.

    The file's shop block only fills what the shop lacks (settings it got by default).
    `actor` None is the operator at the command line; otherwise an admin of that shop.
    """
    async with uow:
        shop = await uow.shops.by_slug(shop_slug)
        if actor is not None:
            if actor.shop_id != shop.id:
                raise ShopNotFound(shop_slug)
            actor.require(Permission.MANAGE_CATALOG)
        filled = _fill_shop(shop, shop_block)
        existing = {p.sku: p for p in await uow.products.all(shop.id)}
        created, updated = [], []
        for item in products:
            product = existing.get(item["sku"])
            if product is None:
                product = Product(id=new_id(), shop_id=shop.id, sku=item["sku"], active=True)
                uow.session.add(product)
                created.append(item["sku"])
            else:
                updated.append(item["sku"])
            product.name, product.price = item["name"], pricing.money(item["price"])
            product.aliases = list(item.get("aliases", []))
            product.stock = item.get("stock")
            product.options = list(item.get("options", []))
            product.warranty_months = item.get("warranty_months")
            product.updated_at = utcnow()
        await uow.commit()
    return ImportReport(created, updated, filled)


def _fill_shop(shop: Shop, block: dict[str, Any]) -> dict[str, str]:
    defaulted = set(shop.settings.get("defaulted", []))
    filled = {key: str(block[key]) for key in ("currency", "region", "language")
              if key in defaulted and block.get(key)}
    for key, value in filled.items():
        setattr(shop, key, value)
    if filled:
        shop.settings = {**shop.settings, "defaulted": sorted(defaulted - filled.keys())}
    return filled


def catalog_json(shop: Shop, products: list[Product]) -> dict[str, Any]:
    """The shop's catalog in DESIGN.md's JSON format, as the parser takes it."""
    return {"shop": {key: getattr(shop, key) for key in SHOP_KEYS},
            "products": [_product_json(p) for p in products if p.active]}


def _product_json(p: Product) -> dict[str, Any]:
    item = {"sku": p.sku, "name": p.name, "aliases": p.aliases, "price": str(p.price),
            "stock": p.stock, "options": p.options}
    if p.warranty_months:  # optional in the format: absent rather than null
        item["warranty_months"] = p.warranty_months
    return item


async def load_catalog(uow: UnitOfWork, shop_id: Any) -> dict[str, Any]:
    """The catalog of one shop for the parser (DESIGN JSON), read in its own unit of work."""
    async with uow.reading():
        shop = await uow.shops.get(shop_id)
        return catalog_json(shop, await uow.products.all(shop.id))
