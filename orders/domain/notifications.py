"""Who hears about what: every order event mapped to its recipient and its outbox kind (seed 002).

Services name the event (`notify(uow, order, "status.shipped")`); this table alone decides
whether a message goes out, to whom, and which kind the dispatcher renders (the bot's texts,
and each shop's `notification_templates` overrides, are keyed by that kind and a language).
A `None` entry is an event that deliberately tells nobody (packing is the shop's business).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Recipient(StrEnum):
    CUSTOMER = "customer"  # the order's customer, in the channel they wrote from
    SELLERS = "sellers"    # every seller chat of the shop (the dispatcher fans out)


@dataclass(frozen=True)
class Notice:
    recipient: Recipient
    kind: str


C, SELLERS = Recipient.CUSTOMER, Recipient.SELLERS
STATUS_CHANGED = "order.status_changed"

EVENTS: dict[str, Notice | None] = {
    # the order's life
    "order.created": Notice(C, "order.created"),
    "order.updated": Notice(C, "order.updated"),
    "status.quote": None,
    "status.claimed": Notice(C, "order.quote_claimed"),
    "status.new": None,
    "status.pending": None,
    "status.confirmed": Notice(C, STATUS_CHANGED),
    "status.packed": None,
    "status.shipped": Notice(C, STATUS_CHANGED),       # carries carrier and tracking number
    "status.delivered": Notice(C, STATUS_CHANGED),     # the chat asks "Received it?"
    "status.completed": Notice(C, STATUS_CHANGED),
    "status.cancelled": Notice(C, STATUS_CHANGED),
    "status.refunded": Notice(C, STATUS_CHANGED),
    # quotes
    "quote.sent": Notice(C, "order.quote_sent"),       # a quote for a customer the shop knows
    "quote.accepted": Notice(SELLERS, "order.quote_accepted"),
    # money
    "payment.requested": Notice(C, "order.payment_requested"),
    "payment.request_withdrawn": Notice(C, "order.payment_request_withdrawn"),
    "payment.customer_says_paid": Notice(SELLERS, "order.customer_says_paid"),
    "payment.received": Notice(C, "order.payment_received"),
    "refund.made": Notice(C, "order.refunded"),
    "invoice.issued": Notice(C, "order.invoice_issued"),
    # making and sending
    "stage.advanced": Notice(C, "order.stage_changed"),
    "checklist.ticked": None,
    "fulfillment.created": Notice(C, "order.fulfillment_created"),
    "tracking.changed": Notice(C, "order.tracking_changed"),
    # after the sale
    "warranty.expiring": Notice(C, "order.warranty_expiring"),
}

KINDS: frozenset[str] = frozenset(n.kind for n in EVENTS.values() if n is not None)


def notice_for(event: str) -> Notice | None:
    """The notice an event sends (None: nobody is told). An unknown event is a programming error."""
    return EVENTS[event]
