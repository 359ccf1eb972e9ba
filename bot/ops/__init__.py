"""Operations: health and readiness, Prometheus metrics, JSON logs, startup checks.

    GET /healthz   the process is up
    GET /readyz    database answers, migrations at head, outbox lag under the limit
    GET /metrics   Prometheus text format

`mount(app)` adds the three routes and the webhook-metrics middleware (outermost, so it sees
the answer `answer_errors` made).
"""
from __future__ import annotations

from aiohttp import web

from bot.ops import health, metrics
from bot.ops.settings import OPS_SETTINGS, OpsSettings


def mount(app: web.Application, settings: OpsSettings | None = None) -> None:
    app[OPS_SETTINGS] = settings or OpsSettings()
    app.middlewares.insert(0, metrics.observe_requests)
    app.router.add_get("/healthz", health.healthz)
    app.router.add_get("/readyz", health.readyz)
    app.router.add_get("/metrics", metrics.scrape)
