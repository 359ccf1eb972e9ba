"""Who is acting: a member of one shop with one role, or the system on behalf of a shop."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from orders.domain.roles import Permission, Role, require


@dataclass(frozen=True)
class Actor:
    """Every service call names its actor; the actor's shop scopes everything it touches."""

    shop_id: uuid.UUID
    member_id: uuid.UUID | None  # None: the system (auto-approve, expiry sweeps, webhooks)
    role: Role
    name: str = "system"

    @classmethod
    def system(cls, shop_id: uuid.UUID) -> Actor:
        return cls(shop_id=shop_id, member_id=None, role=Role.ADMIN, name="system")

    @classmethod
    def customer(cls, shop_id: uuid.UUID) -> Actor:
        """The customer acting in their own chat: no member, no seller permissions (their
        services check that the order is theirs instead); history shows no actor."""
        return cls(shop_id=shop_id, member_id=None, role=Role.VIEWER, name="customer")

    def require(self, permission: Permission) -> None:
        require(self.role, permission)
