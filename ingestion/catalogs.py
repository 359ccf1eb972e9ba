"""The parser's view of a shop's catalog, built from the products table and cached per shop.

Building the index costs far more than a parse, so it is rebuilt only when the shop's products
change (their count or newest `updated_at`), which one cheap aggregate query tells.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ingestion.parser import Catalog
from orders.models import Product, Shop


def catalog_json(shop: Shop, products: list[Product]) -> dict[str, Any]:
    """The DESIGN catalog file shape, as `orderbot catalog import` took it in."""
    return {"shop": {"slug": shop.slug, "name": shop.name, "currency": shop.currency,
                     "region": shop.region, "language": shop.language},
            "products": [{"sku": p.sku, "name": p.name, "aliases": list(p.aliases or []),
                          "price": str(p.price), "stock": p.stock, "options": p.options or []}
                         for p in products]}


class CatalogCache:
    """One parser Catalog per shop, rebuilt when the shop's products change."""

    def __init__(self) -> None:
        self._cached: dict[uuid.UUID, tuple[tuple[Any, ...], Catalog]] = {}

    async def get(self, session: AsyncSession, shop: Shop) -> Catalog:
        stamp = await self._stamp(session, shop)
        hit = self._cached.get(shop.id)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        products = list(await session.scalars(
            select(Product).where(Product.shop_id == shop.id, Product.active.is_(True))
            .order_by(Product.sku)))
        catalog = Catalog.from_dict(catalog_json(shop, products))
        self._cached[shop.id] = (stamp, catalog)
        return catalog

    @staticmethod
    async def _stamp(session: AsyncSession, shop: Shop) -> tuple[Any, ...]:
        count, newest = (await session.execute(
            select(func.count(), func.max(Product.updated_at))
            .where(Product.shop_id == shop.id, Product.active.is_(True)))).one()
        newest_key = newest.isoformat() if isinstance(newest, datetime) else newest
        return (count, newest_key, shop.language, shop.region)
