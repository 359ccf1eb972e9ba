"""Production stages walked in order (never skipped, never unset) and the packing gate: documents,
the last stage, and every checklist item ticked (with a photo where the shop asks)."""
from __future__ import annotations

import pytest

from orders.errors import InvalidInput, PermissionDenied, RuleViolation
from orders.services import (advance_stage, attach_documents, issue_invoice, order_history,
                             tick_checklist, transition_order, update_shop_settings)


@pytest.fixture
async def bakery(make):
    shop = await make.shop("bakery")
    await make.product(shop, "CAKE", price="30.00")
    admin = await make.member(shop, "admin")
    await update_shop_settings(make.db.uow(), admin, stages=["baking", "decorating", "ready"],
                               packing_checklist=["boxed", {"name": "photo of the cake",
                                                            "photo": True}])
    return shop, admin


async def _confirmed(db, make, admin):
    order = await make.order(admin, [("CAKE", 1)])
    await transition_order(db.uow(), admin, order.number, "confirmed")
    await attach_documents(db.uow(), admin, order.number, invoice_url="i", label_url="l")
    return order


async def test_stages_are_walked_in_order_and_recorded(db, make, bakery):
    shop, admin = bakery
    order = await make.order(admin, [("CAKE", 1)])
    with pytest.raises(RuleViolation, match="is pending; production stages apply"):
        await advance_stage(db.uow(), admin, order.number)
    await transition_order(db.uow(), admin, order.number, "confirmed")

    seen = [(await advance_stage(db.uow(), admin, order.number)).stage for _ in range(3)]
    with pytest.raises(RuleViolation, match="already ready, the last stage"):
        await advance_stage(db.uow(), admin, order.number)

    assert seen == ["baking", "decorating", "ready"]
    moves = [(h.from_value, h.to_value) for h in await order_history(db.uow(), admin, order.number)
             if h.axis == "stage"]
    assert moves == [(None, "baking"), ("baking", "decorating"), ("decorating", "ready")]


async def test_packing_waits_for_the_last_stage_then_the_checklist(db, make, bakery):
    shop, admin = bakery
    order = await _confirmed(db, make, admin)
    await advance_stage(db.uow(), admin, order.number)

    with pytest.raises(RuleViolation, match=r"before its last production stage \(ready\)"):
        await transition_order(db.uow(), admin, order.number, "packed")
    await advance_stage(db.uow(), admin, order.number)
    await advance_stage(db.uow(), admin, order.number)
    with pytest.raises(RuleViolation, match="checklist items not ticked: boxed, photo of the cake"):
        await transition_order(db.uow(), admin, order.number, "packed")

    await tick_checklist(db.uow(), admin, order.number, "Boxed")
    with pytest.raises(InvalidInput, match="needs a photo"):
        await tick_checklist(db.uow(), admin, order.number, "photo of the cake")
    with pytest.raises(RuleViolation, match="not ticked: photo of the cake"):
        await transition_order(db.uow(), admin, order.number, "packed")
    await tick_checklist(db.uow(), admin, order.number, "photo of the cake", photo_ref="tg:file:42")

    packed = await transition_order(db.uow(), admin, order.number, "packed")
    assert packed.status == "packed"
    assert packed.checklist["photo of the cake"]["photo"] == "tg:file:42"


async def test_an_item_not_on_the_checklist_is_refused_by_name(db, make, bakery):
    shop, admin = bakery
    order = await _confirmed(db, make, admin)
    with pytest.raises(InvalidInput, match="'ribbon' is not on the packing checklist"):
        await tick_checklist(db.uow(), admin, order.number, "ribbon")


async def test_an_issued_invoice_counts_for_the_packing_gate(db, make):
    shop = await make.shop()
    await make.product(shop)
    manager = await make.member(shop, "manager")
    order = await make.order(manager)
    await transition_order(db.uow(), manager, order.number, "confirmed")
    await attach_documents(db.uow(), manager, order.number, label_url="l")
    with pytest.raises(RuleViolation, match="without invoice URL"):
        await transition_order(db.uow(), manager, order.number, "packed")

    await issue_invoice(db.uow(), manager, order.number)

    assert (await transition_order(db.uow(), manager, order.number, "packed")).status == "packed"


async def test_only_an_admin_changes_the_settings_and_they_are_checked(db, make):
    shop = await make.shop()
    manager, admin = await make.member(shop, "manager"), await make.member(shop, "admin")
    with pytest.raises(PermissionDenied):
        await update_shop_settings(db.uow(), manager, stages=["a"])
    with pytest.raises(InvalidInput, match="different"):
        await update_shop_settings(db.uow(), admin, stages=["a", "a"])
    with pytest.raises(InvalidInput, match="Unknown setting colour"):
        await update_shop_settings(db.uow(), admin, colour="red")
    updated = await update_shop_settings(db.uow(), admin, packing_checklist=["boxed"])
    assert updated.settings["packing_checklist"] == [{"name": "boxed", "photo": False}]
