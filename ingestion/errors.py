"""Errors of the ingestion package, each with a message a seller could read.

    IngestionError
    ├── DraftNotFound            no such draft in this shop
    ├── DraftAlreadyDecided      approve/reject of a draft someone already decided
    ├── DraftApprovalFailed      the claim rolled back (stock, validation); the draft stays pending
    └── InvalidDraftEdit         a seller edit that does not fit the draft or the catalog

Permission and order-core errors come from `orders.errors` and pass through unchanged.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any


class IngestionError(Exception):
    """Base of every ingestion error."""


class DraftNotFound(IngestionError):
    def __init__(self, draft_id: object) -> None:
        super().__init__(f"Draft {draft_id} was not found in this shop.")
        self.draft_id = draft_id


class DraftAlreadyDecided(IngestionError):
    """Carries who decided and when, so the seller sees "already approved by Dana at 14:02"."""

    def __init__(self, status: str, decided_by: str | None, decided_at: datetime | None,
                 order_number: str | None = None, reason: str | None = None) -> None:
        self.status = status
        self.decided_by = decided_by
        self.decided_at = decided_at
        self.order_number = order_number
        self.reason = reason
        super().__init__(self.describe())

    @classmethod
    def of(cls, draft: Any) -> DraftAlreadyDecided:
        """The refusal for a draft that is no longer pending: who decided it, when, how."""
        return cls(draft.status, draft.decided_by_name, draft.decided_at, draft.order_number,
                   draft.reason)

    def describe(self) -> str:
        who = self.decided_by or "the system"
        when = f" at {self.decided_at:%H:%M}" if self.decided_at else ""
        text = f"Already {self.status} by {who}{when}"
        if self.order_number:
            text += f" as {self.order_number}"
        if self.reason and self.status != "approved":
            text += f" ({self.reason})"
        return text + "."


class DraftApprovalFailed(IngestionError):
    def __init__(self, reason: str) -> None:
        super().__init__(f"Could not approve the draft: {reason}")
        self.reason = reason


class InvalidDraftEdit(IngestionError):
    def __init__(self, reason: str) -> None:
        super().__init__(f"That edit does not fit the draft: {reason}")
        self.reason = reason
