"""The shop settings the order flows read, changed by an admin with their values checked:

    payment_instructions  text sent with a payment request ("Pay to IBAN ... or https://pay/...")
    auto_complete_days    days after delivery until the order completes by itself (default 7;
                          null or 0: only the customer completes it)
    stages                production stages walked between confirmed and packed
    packing_checklist     items ticked before packing; {"name": ..., "photo": true} needs a photo
    auto_approve_threshold  drafts at or above this confidence (0.5-1.0) are approved as the
                          system (null: sellers decide every draft)
    draft_expiry_hours    hours a pending draft waits for a seller (default 24)
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


def _threshold(value: Any) -> float | None:
    # Below 0.5 the parser's drafts are wrong too often to go through unseen (benchmarks/).
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)
                         and 0.5 <= value <= 1.0):
        return None if value is None else float(value)
    raise InvalidInput("auto_approve_threshold must be a confidence from 0.5 to 1.0, or null.")


def _hours(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 24 * 30:
        return float(value)
    raise InvalidInput("draft_expiry_hours must be more than 0 and at most 720.")


CHECKS = {"payment_instructions": _instructions, "auto_complete_days": _days,
          "stages": production.check_stages, "packing_checklist": production.check_checklist,
          "auto_approve_threshold": _threshold, "draft_expiry_hours": _hours}


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
