"""Roles as data, prices and order numbers."""
from __future__ import annotations

from decimal import Decimal

import pytest

from orders.domain import pricing
from orders.domain.roles import GRANTS, Permission as P, Role, can, require
from orders.errors import InvalidInput, PermissionDenied


def test_viewer_only_reads():
    assert GRANTS[Role.VIEWER] == {P.READ}


def test_each_role_can_do_everything_the_one_below_can():
    assert GRANTS[Role.VIEWER] < GRANTS[Role.AGENT] < GRANTS[Role.MANAGER] < GRANTS[Role.ADMIN]
    assert GRANTS[Role.ADMIN] == set(P)


@pytest.mark.parametrize(("role", "permission", "allowed"), [
    ("agent", P.APPROVE_DRAFT, True), ("agent", P.MOVE_ORDER, True), ("agent", P.REFUND, False),
    ("agent", P.EDIT_ORDER, False), ("manager", P.REFUND, True), ("manager", P.EDIT_ORDER, True),
    ("manager", P.MANAGE_MEMBERS, False), ("admin", P.MANAGE_CATALOG, True),
    ("viewer", P.MOVE_ORDER, False),
])
def test_role_permissions(role, permission, allowed):
    assert can(role, permission) is allowed


def test_refused_permission_reads_like_a_sentence():
    with pytest.raises(PermissionDenied, match="A viewer may not refund orders."):
        require("viewer", P.REFUND)
    with pytest.raises(PermissionDenied, match="An agent may not refund orders."):
        require("agent", P.REFUND)


def test_order_numbers_are_zero_padded_per_shop():
    assert pricing.format_order_number(1) == "ORD-00001"
    assert pricing.format_order_number(123456) == "ORD-123456"


SIZE = [{"group": "size", "choose": "one", "values": [
    {"code": "LARGE", "name": "large", "aliases": [], "price_delta": "3.00"}]},
        {"group": "topping", "choose": "many", "negatable": True, "values": [
            {"code": "HAM", "name": "ham", "aliases": [], "price_delta": "1.50"}]}]


def test_unit_price_adds_option_deltas_but_not_negated_ones():
    opts = pricing.option_snapshots("PIZZA", SIZE, [{"group": "size", "code": "LARGE"},
                                                   {"group": "topping", "code": "HAM", "negated": True}])
    assert pricing.unit_price(Decimal("11.00"), opts) == Decimal("14.00")
    assert opts[1]["negated"] is True and opts[0]["name"] == "large"


def test_unknown_option_is_refused():
    with pytest.raises(InvalidInput, match="PIZZA has no size option 'HUGE'"):
        pricing.option_snapshots("PIZZA", SIZE, [{"group": "size", "code": "HUGE"}])


def test_money_rounds_to_cents_and_refuses_nonsense():
    assert pricing.money("2.5") == Decimal("2.50") and pricing.money(3) == Decimal("3.00")
    with pytest.raises(InvalidInput):
        pricing.money("abc")
