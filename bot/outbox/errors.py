"""What a send can go wrong with, as the dispatcher sees it:

    SendError
    ├── RateLimited   the platform said 429: wait `retry_after` seconds (not a failed attempt)
    ├── Transient     5xx, timeouts, connection errors: retry with backoff, dead after N tries
    └── Rejected      any other 4xx: the request itself is wrong, dead at once with the error
"""
from __future__ import annotations


class SendError(Exception):
    """A message the platform did not take."""


class RateLimited(SendError):
    def __init__(self, retry_after: float, detail: str = "") -> None:
        super().__init__(f"rate limited: retry after {retry_after:g} s {detail}".strip())
        self.retry_after = retry_after


class Transient(SendError):
    """Worth trying again later."""


class Rejected(SendError):
    """Never worth trying again as it is."""
