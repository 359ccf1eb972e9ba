"""The OpenAPI 3.1 document, assembled from `ROUTES` and the pydantic models' JSON schemas."""
from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from bot.api import schemas as s
from bot.api.routes import ROUTES, Route

PREFIX = "/api/v1"
ERRORS = {"400": "Bad body or query", "401": "No valid token", "403": "Role may not",
          "404": "Not found in this shop"}


def document() -> dict[str, Any]:
    models: set[type[BaseModel]] = {s.Problem, s.AlreadyDecided}
    for route in ROUTES:
        models.add(route.answer)
        if route.body:
            models.add(route.body)
    pairs = [(m, mode) for m in sorted(models, key=lambda m: m.__name__)
             for mode in ("validation", "serialization")]
    refs, defs = models_json_schema(pairs, ref_template="#/components/schemas/{model}")
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(PREFIX + route.path, {})[route.method.lower()] = _operation(route, refs)
    return {"openapi": "3.1.0",
            "info": {"title": "orderbot API", "version": "1"},
            "components": {"schemas": defs.get("$defs", {}),
                           "securitySchemes": {"member": {"type": "http", "scheme": "bearer"}}},
            "security": [{"member": []}],
            "paths": paths}


def _operation(route: Route, refs: dict) -> dict[str, Any]:
    ok = refs[(route.answer, "serialization")]
    problem = refs[(s.Problem, "serialization")]
    op: dict[str, Any] = {
        "operationId": route.handler.__name__,
        "summary": (route.handler.__doc__ or "").strip(),
        "parameters": [{"name": name, "in": "path", "required": True,
                        "schema": {"type": "string"}}
                       for name in re.findall(r"{(\w+)}", route.path)],
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": ok}}},
                      **{code: {"description": text,
                                "content": {"application/json": {"schema": problem}}}
                         for code, text in ERRORS.items()}},
    }
    if route.query:
        op["parameters"] += [
            {"name": "status", "in": "query", "schema": {"type": "string"}},
            {"name": "cursor", "in": "query", "schema": {"type": "string"}},
            {"name": "limit", "in": "query",
             "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}}]
    if route.body:
        op["requestBody"] = {"required": False, "content": {"application/json": {
            "schema": refs[(route.body, "validation")]}}}
    if route.method == "POST" and route.path.startswith("/orders/{number}/"):
        op["responses"]["409"] = {"description": "Stale version, forbidden move or rule",
                                  "content": {"application/json": {"schema": problem}}}
    if route.handler.__name__ == "approve":
        op["responses"]["409"] = {"description": "Already decided (who, when, which order)",
                                  "content": {"application/json": {
                                      "schema": refs[(s.AlreadyDecided, "serialization")]}}}
    return op


async def serve(request: web.Request) -> web.Response:
    """The OpenAPI document (no token needed)."""
    return web.json_response(document())
