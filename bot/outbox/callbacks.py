"""Chat buttons: `callback_data` that names an action on a draft or an order and cannot be forged.

    data = sign(secret, "a", draft_id)   # "a:<22-char draft ref>:<16-char signature>", 41 bytes
    action, draft_id = verify(secret, data)   # raises ForgedCallback if anything was changed

Telegram allows 1-64 bytes: an action is 1-16 lowercase letters with up to 3 digits (a line
number), so the longest data is 60 bytes. The key is derived from the shop's Telegram webhook
secret, which the chat handlers hold anyway; a tap carrying someone else's id or action fails
`verify`. The card's own actions are APPROVE, EDIT and REJECT; the chat handlers add theirs.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid

APPROVE, EDIT, REJECT, QUOTE = "a", "e", "r", "q"
# A pending draft's card: (label, action) rows.
CARD_BUTTONS = ((("Approve", APPROVE), ("Edit", EDIT), ("Reject", REJECT)),
                (("Send as quote", QUOTE),))
ACTION = re.compile(r"^[a-z]{1,16}[0-9]{0,3}$")


class ForgedCallback(ValueError):
    """The button data was not made by us (or was altered)."""

    def __init__(self) -> None:
        super().__init__("This button is not valid any more. Open the draft again.")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _signature(secret: str, action: str, ref: str) -> str:
    key = hmac.new(secret.encode(), b"orderbot-callback", hashlib.sha256).digest()
    return _b64(hmac.new(key, f"{action}:{ref}".encode(), hashlib.sha256).digest()[:12])


def sign(secret: str, action: str, draft_id: uuid.UUID | str) -> str:
    if not ACTION.match(action):
        raise ValueError(f"not a button action: {action!r}")
    ref = _b64(uuid.UUID(str(draft_id)).bytes)
    return f"{action}:{ref}:{_signature(secret, action, ref)}"


def verify(secret: str, data: str) -> tuple[str, uuid.UUID]:
    try:
        action, ref, signature = data.split(":")
        expected = _signature(secret, action, ref)
        if not ACTION.match(action) or not hmac.compare_digest(signature, expected):
            raise ForgedCallback
        return action, uuid.UUID(bytes=base64.urlsafe_b64decode(ref + "=="))
    except (ValueError, TypeError) as exc:
        if isinstance(exc, ForgedCallback):
            raise
        raise ForgedCallback from exc
