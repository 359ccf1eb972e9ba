"""Guards beside the transition tables: conditions a move needs besides being in the table."""
from __future__ import annotations

from decimal import Decimal

from orders.errors import RuleViolation

from orders.domain.status import OrderStatus


def can_pack(invoice_url: str | None, label_url: str | None) -> bool:
    return bool(invoice_url) and bool(label_url)


def ensure_move_allowed(number: str, target: str, invoice_url: str | None,
                        label_url: str | None, unrefunded: Decimal = Decimal("0"),
                        fulfillment_status: str = "unfulfilled") -> None:
    """Guards for a status move that the table already allows.

    `unrefunded` is money paid and not yet refunded: an order is not `refunded` while it has any.
    Units recorded as fulfilled have left the shop: such an order is no longer cancelled.
    """
    if OrderStatus(target) is OrderStatus.CANCELLED and fulfillment_status != "unfulfilled":
        raise RuleViolation("cancel_fulfilled", f"Order {number} has items that already left "
                                                "the shop; refund them instead of cancelling.")
    if OrderStatus(target) is OrderStatus.REFUNDED and unrefunded > 0:
        raise RuleViolation("refund_money_first", f"Order {number} still has {unrefunded} paid; "
                                                  "refund it before marking the order refunded.")
    if OrderStatus(target) is OrderStatus.PACKED and not can_pack(invoice_url, label_url):
        missing = [name for name, url in (("invoice URL", invoice_url),
                                          ("shipping-label URL", label_url)) if not url]
        raise RuleViolation("pack_documents", f"Order {number} cannot be packed without "
                                              f"{' and '.join(missing)}.")


def restockable(reserved: int, restocked: int) -> int:
    """Units of a line that may still go back to stock (never more than were taken)."""
    return max(reserved - restocked, 0)
