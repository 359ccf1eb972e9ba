"""Roles and what each may do, as data (seed 001): viewer reads, agent approves drafts and moves
orders, manager edits and refunds, admin manages members and catalog."""
from __future__ import annotations

from enum import StrEnum

from orders.errors import PermissionDenied


class Role(StrEnum):
    ADMIN = "admin"      # owner: everything, including members and catalog
    MANAGER = "manager"  # edits orders, payments and refunds
    AGENT = "agent"      # approves drafts, creates and moves orders
    VIEWER = "viewer"    # reads only


class Permission(StrEnum):
    READ = "read orders"
    APPROVE_DRAFT = "approve or reject drafts"
    CREATE_ORDER = "create orders"
    MOVE_ORDER = "change an order's status"
    NOTE = "add notes"
    TAG = "tag orders"
    FULFILL = "record fulfillments"
    EDIT_ORDER = "edit orders"
    ASSIGN = "assign members to orders"
    RECORD_PAYMENT = "record payments"
    REFUND = "refund orders"
    DELETE_ORDER = "delete orders"
    MANAGE_MEMBERS = "manage members"
    MANAGE_CATALOG = "manage the catalog"
    MANAGE_SETTINGS = "change the shop's settings and notice texts"


P = Permission
_VIEWER = frozenset({P.READ})
_AGENT = _VIEWER | {P.APPROVE_DRAFT, P.CREATE_ORDER, P.MOVE_ORDER, P.NOTE, P.TAG, P.FULFILL}
_MANAGER = _AGENT | {P.EDIT_ORDER, P.ASSIGN, P.RECORD_PAYMENT, P.REFUND, P.DELETE_ORDER}
_ADMIN = _MANAGER | {P.MANAGE_MEMBERS, P.MANAGE_CATALOG, P.MANAGE_SETTINGS}

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: _VIEWER,
    Role.AGENT: frozenset(_AGENT),
    Role.MANAGER: frozenset(_MANAGER),
    Role.ADMIN: frozenset(_ADMIN),
}


def can(role: str, permission: Permission) -> bool:
    return permission in GRANTS[Role(role)]


def require(role: str, permission: Permission) -> None:
    if not can(role, permission):
        raise PermissionDenied(role, permission.value)
