"""The aiohttp server the chat platforms call (aiohttp-demos shape: `init_app`, resources in
`cleanup_ctx`, typed AppKeys).

    POST /webhooks/telegram/{shop}    Telegram updates, per shop bot
    GET  /webhooks/whatsapp           WhatsApp webhook verification
    POST /webhooks/whatsapp           WhatsApp Cloud API notifications (routed by phone-number id)
    POST /webhooks/instagram          Instagram messaging (routed by account id)

Every handler stores what it received in the inbox and commits before answering 200; the inbox
worker (a task in this process, woken after each new row) turns the rows into drafts, and hands
sellers' Telegram updates to the chat handlers (`bot/seller`).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import api, invoices_http, ops
from bot.outbox.app import OUTBOX_DISPATCHER, outbox_dispatcher
from bot.seller.desk import SellerDesk
from bot.webhooks import instagram, intake, telegram, whatsapp
from bot.webhooks.errors import StoreUnavailable, WebhookError
from bot.webhooks.keys import INBOX_WORKER, SESSIONS, SETTINGS, TELEGRAM_BOTS
from bot.webhooks.telegram_bots import TelegramBots
from ingestion.worker import InboxWorker
from orders.db import make_engine, make_session_factory
from orders.settings import Settings

log = logging.getLogger("orderbot.server")

WORKER_STOP_TIMEOUT = 10.0   # seconds a stopping worker gets to finish the row in hand
WORKER_RESTART_DELAY = 1.0   # after a crash (say, the database went away) before running again

# A database that cannot be reached: the platform gets 503 and retries later.
DATABASE_DOWN = (OperationalError, DBAPIError, OSError, asyncio.TimeoutError)


def init_app(settings: Settings, session_factory: async_sessionmaker[AsyncSession] | None = None,
             *, run_worker: bool = True) -> web.Application:
    """The webhook app. With `session_factory` it uses that database (tests) instead of
    opening DATABASE_URL; `run_worker=False` leaves the inbox to be drained elsewhere."""
    app = web.Application(client_max_size=settings.WEBHOOK_MAX_BODY_BYTES,
                          middlewares=[answer_errors])
    app[SETTINGS] = settings
    app[TELEGRAM_BOTS] = TelegramBots(settings.TELEGRAM_API_BASE_URL)
    app[intake.TRAFFIC] = intake.Traffic()
    app.cleanup_ctx.append(_database(session_factory))
    app.cleanup_ctx.append(intake.group_commit)  # webhook requests share inbox commits
    app.cleanup_ctx.append(_inbox_worker(run_worker))
    app.cleanup_ctx.append(outbox_dispatcher(run_worker))  # sends the outbox after commit
    app.router.add_post("/webhooks/telegram/{shop}", telegram.receive_update)
    app.router.add_get("/webhooks/whatsapp", whatsapp.verify)
    app.router.add_post("/webhooks/whatsapp", whatsapp.receive_notification)
    app.router.add_post("/webhooks/instagram", instagram.receive_notification)
    app.router.add_get(invoices_http.ROUTE, invoices_http.serve_invoice)  # PDFs sent by link
    api.setup(app)  # the seller HTTP API under /api/v1
    ops.mount(app)  # /healthz, /readyz, /metrics and the request-metrics middleware
    return app


@web.middleware
async def answer_errors(request: web.Request,
                        handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                        ) -> web.StreamResponse:
    """Errors become answers here and nowhere else."""
    try:
        return await handler(request)
    except WebhookError as exc:
        return _error(exc)
    except DATABASE_DOWN as exc:
        log.warning("database unavailable: %r", exc, extra={"path": request.path})
        return _error(StoreUnavailable())


def _error(exc: WebhookError) -> web.Response:
    return web.json_response({"error": str(exc)}, status=exc.status)


def _database(given: async_sessionmaker[AsyncSession] | None):
    async def database(app: web.Application) -> AsyncIterator[None]:
        if given is not None:
            app[SESSIONS] = given
            yield
            return
        engine = make_engine(app[SETTINGS].DATABASE_URL)
        app[SESSIONS] = make_session_factory(engine)
        yield
        await engine.dispose()
    return database


def _inbox_worker(run: bool):
    async def inbox_worker(app: web.Application) -> AsyncIterator[None]:
        desk = SellerDesk(app[SESSIONS], app[SETTINGS].TELEGRAM_API_BASE_URL)
        worker = app[INBOX_WORKER] = InboxWorker(app[SESSIONS], desk=desk,
                                                 on_committed=lambda: _wake_outbox(app),
                                                 busy=app[intake.TRAFFIC].busy)
        if not run:
            yield
            await desk.close()
            return
        stopping = asyncio.Event()
        task = asyncio.create_task(_keep_running(worker, stopping), name="inbox-worker")
        yield
        stopping.set()
        await worker.stop()
        try:
            await asyncio.wait_for(task, WORKER_STOP_TIMEOUT)
        except TimeoutError:
            log.warning("inbox worker did not stop in time; its lease will run out")
        await desk.close()
    return inbox_worker


def _wake_outbox(app: web.Application) -> None:
    if OUTBOX_DISPATCHER in app:  # set up after the worker (cleanup_ctx order)
        app[OUTBOX_DISPATCHER].wake()


async def _keep_running(worker: InboxWorker, stopping: asyncio.Event) -> None:
    """Run the worker; if it crashes (a database outage), start it again after a pause."""
    while not stopping.is_set():
        try:
            await worker.run()
        except Exception:  # logged, then retried: the worker must not stay dead
            log.exception("inbox worker crashed; restarting")
            try:
                await asyncio.wait_for(stopping.wait(), WORKER_RESTART_DELAY)
            except TimeoutError:
                pass
