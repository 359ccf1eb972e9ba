"""The seller HTTP API under `/api/v1` (DESIGN.md, Contracts).

`setup(app)` mounts it as a sub-app: the routes of `routes.ROUTES`, the error middleware
(`errors.answer_errors`), and the OpenAPI document at `/api/v1/openapi.json`.
"""
from __future__ import annotations

from aiohttp import web

from bot.api import openapi
from bot.api.errors import answer_errors
from bot.api.routes import ROUTES

PREFIX = openapi.PREFIX


def setup(app: web.Application) -> web.Application:
    api = web.Application(middlewares=[answer_errors])
    for route in ROUTES:
        api.router.add_route(route.method, route.path, route.handler)
    api.router.add_get("/openapi.json", openapi.serve)
    app.add_subapp(PREFIX, api)
    return api
