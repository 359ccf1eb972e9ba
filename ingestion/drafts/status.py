"""The draft's life as data: pending_review -> approved | rejected | expired (all terminal)."""
from __future__ import annotations

from enum import StrEnum


class DraftStatus(StrEnum):
    PENDING_REVIEW = "pending_review"  # parsed, waiting for a seller (or auto-approve)
    APPROVED = "approved"              # claimed: exactly one order was made from it
    REJECTED = "rejected"              # a seller said no; the reason is kept
    EXPIRED = "expired"                # nobody decided in time; the sweep closed it


ALLOWED: dict[DraftStatus, frozenset[DraftStatus]] = {
    DraftStatus.PENDING_REVIEW: frozenset(
        {DraftStatus.APPROVED, DraftStatus.REJECTED, DraftStatus.EXPIRED}),
    DraftStatus.APPROVED: frozenset(),
    DraftStatus.REJECTED: frozenset(),
    DraftStatus.EXPIRED: frozenset(),
}


def can_decide(current: DraftStatus | str) -> bool:
    """Only a draft under review can be approved, rejected, edited, amended or expired."""
    return DraftStatus(current) is DraftStatus.PENDING_REVIEW
