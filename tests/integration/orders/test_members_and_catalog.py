"""Admins manage members and the catalog; nobody else does, and never in another shop."""
from __future__ import annotations

import pytest

from orders.errors import MemberNotFound, PermissionDenied, ShopNotFound
from orders.services import (add_member, authenticate, change_member, import_catalog,
                             load_catalog)

PRODUCTS = [{"sku": "TEA", "name": "tea", "aliases": [], "price": "2.00", "stock": 5, "options": []}]


async def test_admin_adds_promotes_and_deactivates_members(db, make):
    shop = await make.shop()
    admin = await make.member(shop, "admin")
    made = await add_member(db.uow(), shop.slug, "Sam", "agent", actor=admin)

    promoted = await change_member(db.uow(), admin, made.member.id, role="manager")
    assert promoted.role == "manager"
    assert (await authenticate(db.uow(), made.token)).role == "manager"

    await change_member(db.uow(), admin, made.member.id, deactivate=True)
    assert await authenticate(db.uow(), made.token) is None


async def test_only_admins_manage_members_and_only_their_own(db, make):
    shop, other = await make.shop(), await make.shop()
    manager = await make.member(shop, "manager")
    admin = await make.member(shop, "admin")
    stranger = await make.member(other, "agent")

    with pytest.raises(PermissionDenied, match="manager may not manage members"):
        await add_member(db.uow(), shop.slug, "Eve", "admin", actor=manager)
    with pytest.raises(PermissionDenied):
        await change_member(db.uow(), manager, admin.member_id, role="viewer")
    with pytest.raises(MemberNotFound):
        await change_member(db.uow(), admin, stranger.member_id, deactivate=True)
    with pytest.raises(ShopNotFound):
        await add_member(db.uow(), other.slug, "Eve", "admin", actor=admin)


async def test_only_admins_import_the_catalog_of_their_shop(db, make):
    shop, other = await make.shop(), await make.shop()
    admin, manager = await make.member(shop, "admin"), await make.member(shop, "manager")

    with pytest.raises(PermissionDenied, match="may not manage the catalog"):
        await import_catalog(db.uow(), shop.slug, {}, PRODUCTS, actor=manager)
    with pytest.raises(ShopNotFound):
        await import_catalog(db.uow(), other.slug, {}, PRODUCTS, actor=admin)
    report = await import_catalog(db.uow(), shop.slug, {}, PRODUCTS, actor=admin)

    assert report.created == ["TEA"]
    assert (await load_catalog(db.uow(), shop.id))["products"] == PRODUCTS
