"""A customer's tap on an order button in WhatsApp or Instagram ([Accept], [I paid],
[Received it]): the reply id (WhatsApp `button_reply.id`, Instagram `quick_reply.payload`) is the
token `bot/outbox/callbacks.py` signed with the channel's secret. One that verifies becomes an
inbox row of kind "action" (`{"action", "order_id"}`, for `ingestion.customer_actions`); anything
else stays the words it showed, read like any message."""
from __future__ import annotations

from typing import Any

from bot.outbox.callbacks import ForgedCallback, verify
from ingestion.customer_actions import SERVICES
from ingestion.processing import ACTION


def tapped(message: dict[str, Any], secret: str) -> dict[str, Any]:
    """The normalized message, as an action row if its reply id is our signed order button."""
    reply = message.get("reply_id")
    if not (secret and isinstance(reply, str) and reply.split(":", 1)[0] in SERVICES):
        return message
    try:
        action, order_id = verify(secret, reply)
    except ForgedCallback:
        return message
    return message | {"kind": ACTION, "action": action, "order_id": str(order_id)}
