"""GET /metrics: Prometheus text format.

Recorded as things happen (process-wide counters and histograms):
    orderbot_webhook_requests_total{channel,status}   every answer of /webhooks/* (channel:
                                                       telegram | whatsapp | instagram)
    orderbot_webhook_request_seconds{channel}          time to answer a webhook
    orderbot_parse_seconds, orderbot_draft_confidence{source}, orderbot_claims_total{outcome}
                                                       (ingestion/metrics.py)
    orderbot_outbox_sends_total{channel}               outbox rows delivered (marked sent)
    orderbot_outbox_retries_total{channel,reason}      sends put back for later: rate_limited
                                                       (a 429 or a wait) | failed (5xx, timeout)
    orderbot_outbox_dead_letters_total{channel}        rows given up on (dead)
    (channel: telegram | whatsapp | instagram | none for the seller fan-out rows)
Read from the database at scrape time (every process sees the same, shared numbers):
    orderbot_inbox_rows{status}          pending | processing | done | dead
    orderbot_inbox_lag_seconds           how long the oldest due pending inbox row has waited
    orderbot_drafts{state}               pending_review | approved | rejected | expired
    orderbot_outbox_rows{status}         pending | sent | dead (sends and dead letters)
    orderbot_outbox_retrying_rows        pending rows that failed at least once (retries)
    orderbot_outbox_lag_seconds          how long the oldest due pending outbox row has waited
A failed database read leaves those out and sets orderbot_metrics_database_up 0.
"""
from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import structlog
from aiohttp import web
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import ingestion.metrics  # noqa: F401  registers the ingestion metrics in the default registry
from bot.models import KINDS
from bot.ops.health import due_lag
from bot.ops.logging import info_line
from bot.webhooks.keys import SESSIONS
from ingestion.models import Draft, InboxMessage
from orders.models import OutboxMessage

log = logging.getLogger("orderbot.http")
disable_created_metrics()  # the *_created series double the output and no dashboard uses them

WEBHOOK_REQUESTS = Counter("orderbot_webhook_requests", "Webhook requests answered",
                           ["channel", "status"])
WEBHOOK_SECONDS = Histogram("orderbot_webhook_request_seconds", "Time to answer a webhook",
                            ["channel"],
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))

OUTBOX_SENDS = Counter("orderbot_outbox_sends", "Outbox rows delivered", ["channel"])
OUTBOX_RETRIES = Counter("orderbot_outbox_retries", "Outbox sends put back for a later try",
                         ["channel", "reason"])
OUTBOX_DEAD_LETTERS = Counter("orderbot_outbox_dead_letters", "Outbox rows given up on (dead)",
                              ["channel"])
for _channel in KINDS:  # every channel shows, at 0, from the first scrape
    OUTBOX_SENDS.labels(channel=_channel)
    OUTBOX_DEAD_LETTERS.labels(channel=_channel)
    for _reason in ("rate_limited", "failed"):
        OUTBOX_RETRIES.labels(channel=_channel, reason=_reason)


def outbox_outcome(channel: str | None, outcome: str) -> None:
    """Count one recorded outbox outcome: sent | rate_limited | failed | dead."""
    label = channel or "none"
    if outcome == "sent":
        OUTBOX_SENDS.labels(channel=label).inc()
    elif outcome == "dead":
        OUTBOX_DEAD_LETTERS.labels(channel=label).inc()
    else:
        OUTBOX_RETRIES.labels(channel=label, reason=outcome).inc()


INBOX_STATUSES = ("pending", "processing", "done", "dead")
DRAFT_STATES = ("pending_review", "approved", "rejected", "expired")
OUTBOX_STATUSES = ("pending", "sent", "dead")


@web.middleware
async def observe_requests(request: web.Request,
                           handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                           ) -> web.StreamResponse:
    """Count webhook answers by channel and status; log every request as one event (the path
    without its query string: WhatsApp's verification puts the verify token there). Log lines
    written while handling the request carry its channel and shop too."""
    started = time.perf_counter()
    status = 500
    channel, shop = webhook_channel(request.path), request.match_info.get("shop")
    try:
        with structlog.contextvars.bound_contextvars(**_known(channel=channel, shop=shop)):
            response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        elapsed = time.perf_counter() - started
        if channel is not None:
            answered, seconds = _webhook_series(channel, status)
            answered.inc()
            seconds.observe(elapsed)
        if request.path not in ("/healthz", "/readyz", "/metrics"):
            info_line(log, "request", {"method": request.method, "path": request.path,
                                       "status": status, "ms": round(elapsed * 1000, 2),
                                       **_known(channel=channel, shop=shop)})


@functools.cache
def _webhook_series(channel: str, status: int) -> tuple[Any, Any]:
    """The labelled series a webhook answer counts in (looked up once per channel and status:
    prometheus_client's `labels()` costs more than the count itself)."""
    return (WEBHOOK_REQUESTS.labels(channel=channel, status=str(status)),
            WEBHOOK_SECONDS.labels(channel=channel))


def _known(**fields: str | None) -> dict[str, str]:
    return {name: value for name, value in fields.items() if value is not None}


def webhook_channel(path: str) -> str | None:
    """`telegram` for /webhooks/telegram/..., None outside /webhooks/; unknown names are
    'other' so a scanner cannot grow the label set."""
    parts = path.split("/")
    if len(parts) < 3 or parts[1] != "webhooks":
        return None
    return parts[2] if parts[2] in KINDS else "other"


async def scrape(request: web.Request) -> web.Response:
    """Read the database figures first (async), then render them with the process's metrics."""
    snapshot = CollectorRegistry(auto_describe=False)
    snapshot.register(_Snapshot(await database_figures(request.app[SESSIONS])))
    body = generate_latest(REGISTRY) + generate_latest(snapshot)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def database_figures(sessions: Callable[[], AsyncSession]) -> dict | None:
    try:
        async with sessions() as session:
            return {
                "inbox": await _count_by(session, InboxMessage.status, INBOX_STATUSES),
                "inbox_lag": await due_lag(session, InboxMessage),
                "drafts": await _count_by(session, Draft.status, DRAFT_STATES),
                "outbox": await _count_by(session, OutboxMessage.status, OUTBOX_STATUSES),
                "outbox_retrying": await session.scalar(
                    select(func.count()).select_from(OutboxMessage)
                    .where(OutboxMessage.status == "pending", OutboxMessage.attempts > 0)),
                "outbox_lag": await due_lag(session, OutboxMessage),
            }
    except Exception as exc:  # noqa: BLE001  a scrape must answer even with the database down
        log.warning("metrics: database figures unavailable: %r", exc)
        return None


async def _count_by(session: AsyncSession, column, known: tuple[str, ...]) -> dict[str, int]:
    rows = await session.execute(select(column, func.count()).group_by(column))
    return dict.fromkeys(known, 0) | {status: count for status, count in rows}


class _Snapshot:
    """The figures of one scrape as Prometheus gauges."""

    def __init__(self, figures: dict | None) -> None:
        self.figures = figures

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("orderbot_metrics_database_up",
                               "1 if the database figures below could be read")
        up.add_metric([], 0 if self.figures is None else 1)
        yield up
        if self.figures is None:
            return
        f = self.figures
        yield _by("orderbot_inbox_rows", "Inbox rows by status", "status", f["inbox"])
        yield GaugeMetricFamily("orderbot_inbox_lag_seconds",
                                "Wait of the oldest due pending inbox row", value=f["inbox_lag"])
        yield _by("orderbot_drafts", "Drafts by state", "state", f["drafts"])
        yield _by("orderbot_outbox_rows", "Outbox rows by status (sent, dead letters, pending)",
                  "status", f["outbox"])
        yield GaugeMetricFamily("orderbot_outbox_retrying_rows",
                                "Pending outbox rows that already failed at least once",
                                value=f["outbox_retrying"])
        yield GaugeMetricFamily("orderbot_outbox_lag_seconds",
                                "Wait of the oldest due pending outbox row", value=f["outbox_lag"])


def _by(name: str, doc: str, label: str, counts: dict[str, int]) -> GaugeMetricFamily:
    gauge = GaugeMetricFamily(name, doc, labels=[label])
    for value, count in sorted(counts.items()):
        gauge.add_metric([value], count)
    return gauge
