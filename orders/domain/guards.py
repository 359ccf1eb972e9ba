"""Guards beside the transition tables: conditions a move needs besides being in the table."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from orders.errors import RuleViolation

from orders.domain.status import OrderStatus


def can_pack(invoice_url: str | None, label_url: str | None) -> bool:
    return bool(invoice_url) and bool(label_url)


def ensure_move_allowed(number: str, target: str, invoice_url: str | None,
                        label_url: str | None, unrefunded: Decimal = Decimal("0"),
                        fulfillment_status: str = "unfulfilled", *,
                        unticked: Sequence[str] = (), stage_missing: str | None = None) -> None:
    """Guards for a status move that the table already allows.

    `unrefunded` is money paid and not yet refunded: an order is not `refunded` while it has any.
    Units recorded as fulfilled have left the shop: such an order is no longer cancelled.
    Packing needs the invoice (a URL, or an invoice the shop issued) and the label, the shop's
    last production stage (`stage_missing`), and every checklist item ticked (`unticked`).
    """
    if OrderStatus(target) is OrderStatus.CANCELLED and fulfillment_status != "unfulfilled":
        raise RuleViolation("cancel_fulfilled", f"Order {number} has items that already left "
                                                "the shop; refund them instead of cancelling.")
    if OrderStatus(target) is OrderStatus.REFUNDED and unrefunded > 0:
        raise RuleViolation("refund_money_first", f"Order {number} still has {unrefunded} paid; "
                                                  "refund it before marking the order refunded.")
    if OrderStatus(target) is OrderStatus.PACKED:
        ensure_packable(number, invoice_url, label_url, unticked, stage_missing)


def ensure_packable(number: str, invoice_url: str | None, label_url: str | None,
                    unticked: Sequence[str] = (), stage_missing: str | None = None) -> None:
    if not can_pack(invoice_url, label_url):
        missing = [name for name, url in (("invoice URL", invoice_url),
                                          ("shipping-label URL", label_url)) if not url]
        raise RuleViolation("pack_documents", f"Order {number} cannot be packed without "
                                              f"{' and '.join(missing)}.")
    if stage_missing:
        raise RuleViolation("pack_stages", f"Order {number} cannot be packed before its last "
                                           f"production stage ({stage_missing}).")
    if unticked:
        raise RuleViolation("pack_checklist", f"Order {number} cannot be packed: checklist items "
                                              f"not ticked: {', '.join(unticked)}.")


def restockable(reserved: int, restocked: int) -> int:
    """Units of a line that may still go back to stock (never more than were taken)."""
    return max(reserved - restocked, 0)
