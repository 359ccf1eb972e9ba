"""Prometheus metrics the ingestion code records as it works (bot/ops/metrics.py serves them).

They live here, not in bot/, because ingestion may not import bot (bot -> ingestion -> orders).

    orderbot_parse_seconds                   parsing one message (or re-reading a draft's texts)
    orderbot_draft_confidence{source}        confidence of each new draft (text | cart)
    orderbot_claims_total{outcome}           approvals: approved | already_decided | failed
"""
from __future__ import annotations

from prometheus_client import Counter, Histogram

from ingestion.errors import DraftAlreadyDecided

PARSE_SECONDS = Histogram(
    "orderbot_parse_seconds", "Time to parse one message into a draft",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0))
DRAFT_CONFIDENCE = Histogram(
    "orderbot_draft_confidence", "Confidence of new drafts", ["source"],
    buckets=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99, 1.0))
CLAIMS = Counter("orderbot_claims", "Draft approvals (the claim) by outcome", ["outcome"])

for _outcome in ("approved", "already_decided", "failed"):
    CLAIMS.labels(outcome=_outcome)  # every outcome shows, at 0, from the first scrape


def claim_refused(exc: Exception) -> None:
    """Count a refused claim; only 'already decided' is an outcome (not-found and permission
    refusals are the caller's mistakes, not the claim's)."""
    if isinstance(exc, DraftAlreadyDecided):
        CLAIMS.labels(outcome="already_decided").inc()
