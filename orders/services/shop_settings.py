"""The shop settings the order flows read, changed by an admin with their values checked:

    payment_instructions  text sent with a payment request ("Pay to IBAN ... or https://pay/...")
    auto_complete_days    days after delivery until the order completes by itself (default 7;
                          null or 0: only the customer completes it)
    stages                production stages walked between confirmed and packed
    packing_checklist     items ticked before packing; {"name": ..., "photo": true} needs a photo
"""
from __future__ import annotations

from typing import Any

from orders.domain import production
from orders.domain.actors import Actor
from orders.domain.roles import Permission
from orders.errors import InvalidInput
from orders.models import Shop
from orders.uow import UnitOfWork


def _instructions(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value.strip()) <= 2000:
        return value.strip() or None
    raise InvalidInput("Payment instructions must be text of at most 2000 characters.")


def _days(value: Any) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 365):
        return value
    raise InvalidInput("auto_complete_days must be a whole number of days from 0 to 365, or null.")


CHECKS = {"payment_instructions": _instructions, "auto_complete_days": _days,
          "stages": production.check_stages, "packing_checklist": production.check_checklist}


async def update_shop_settings(uow: UnitOfWork, actor: Actor, **changes: Any) -> Shop:
    """Set any of the keys above; unknown keys are refused, the others are kept."""
    actor.require(Permission.MANAGE_SETTINGS)
    unknown = sorted(set(changes) - CHECKS.keys())
    if unknown:
        raise InvalidInput(f"Unknown setting {', '.join(unknown)} (known: {', '.join(CHECKS)}).")
    checked = {key: CHECKS[key](value) for key, value in changes.items()}
    async with uow:
        shop = await uow.shops.get(actor.shop_id)
        shop.settings = {**(shop.settings or {}), **checked}
        await uow.commit()
    return shop
