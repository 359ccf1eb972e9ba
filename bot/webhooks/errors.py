"""Errors of the webhooks and channel credentials, each with a message a person could read.

    WebhookError                 `status` is the HTTP answer the server maps it to
    ├── BadSignature     401     missing or wrong secret / X-Hub-Signature-256
    ├── BadPayload       400     not JSON, or not the platform's documented shape
    ├── UnknownShop      404     no shop (or no such channel) to route the post to
    ├── VerificationFailed 403   WhatsApp GET verification with a wrong verify token
    ├── BodyTooLarge     413     a body over WEBHOOK_MAX_BODY_BYTES
    └── StoreUnavailable 503     the database failed: the platform must retry
    ChannelError                 `orderbot channel add` refusals; `argument` names the flag
    ├── InvalidCredential
    └── AccountTaken             a phone-number id / account id / bot already used by another shop

Only the server's middleware and the CLI turn these into answers.
"""
from __future__ import annotations


class WebhookError(Exception):
    status = 500


class BadSignature(WebhookError):
    status = 401

    def __init__(self, what: str = "signature") -> None:
        super().__init__(f"Missing or wrong {what}.")


class BadPayload(WebhookError):
    status = 400

    def __init__(self, reason: str) -> None:
        super().__init__(f"Unreadable webhook payload: {reason}.")
        self.reason = reason


class UnknownShop(WebhookError):
    status = 404

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"No shop has a {kind} channel for {key!r}.")


class VerificationFailed(WebhookError):
    status = 403

    def __init__(self) -> None:
        super().__init__("The verify token matches no shop's WhatsApp channel.")


class BodyTooLarge(WebhookError):
    status = 413

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than the limit of {limit} bytes.")


class StoreUnavailable(WebhookError):
    status = 503

    def __init__(self) -> None:
        super().__init__("The database is unavailable; nothing was stored. Please retry.")


class ChannelError(Exception):
    argument = ""


class InvalidCredential(ChannelError):
    def __init__(self, argument: str, reason: str) -> None:
        super().__init__(reason)
        self.argument = argument


class AccountTaken(ChannelError):
    def __init__(self, argument: str, kind: str, account_id: str, shop_slug: str) -> None:
        super().__init__(f"{kind} {account_id} is already registered to shop {shop_slug}.")
        self.argument = argument
