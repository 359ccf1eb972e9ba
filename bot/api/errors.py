"""API errors and the one place every error becomes an HTTP answer.

    ApiError
    ├── Unauthorized     no token, or not a valid one (401)
    └── BadRequest       a body or query that does not parse (400), naming the fields

Errors from the services (`orders.errors`, `ingestion.errors`) pass through unchanged and are
mapped in `answer_errors`: not found 404, permission 403, conflicts 409, bad input 400.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from ingestion.errors import (
    DraftAlreadyDecided,
    DraftApprovalFailed,
    DraftNotFound,
    InvalidDraftEdit,
)
from orders.errors import (
    AlreadyExists,
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    OutOfStock,
    PermissionDenied,
    RuleViolation,
    StaleVersion,
)


class ApiError(Exception):
    status = 400
    code = "bad_request"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class BadRequest(ApiError):
    status, code = 400, "invalid_body"

    def __init__(self, message: str, fields: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.fields = fields


def invalid(exc: ValidationError, where: str = "body") -> BadRequest:
    fields = [{"field": ".".join(str(p) for p in e["loc"]) or where, "message": e["msg"]}
              for e in exc.errors(include_url=False, include_input=False)]
    return BadRequest("Invalid " + where + ": " + "; ".join(
        f"{f['field']}: {f['message']}" for f in fields), fields)


# (error class, HTTP status, code); the first matching class wins, so subclasses come first.
STATUS: list[tuple[type[Exception], int, str]] = [
    (PermissionDenied, 403, "forbidden"),
    (NotFound, 404, "not_found"),
    (DraftNotFound, 404, "not_found"),
    (StaleVersion, 409, "stale_version"),
    (InvalidTransition, 409, "invalid_transition"),
    (RuleViolation, 409, "rule_violation"),
    (Conflict, 409, "conflict"),
    (OutOfStock, 409, "out_of_stock"),
    (DraftApprovalFailed, 409, "approval_failed"),
    (AlreadyExists, 409, "already_exists"),
    (InvalidInput, 400, "invalid_input"),
    (InvalidDraftEdit, 400, "invalid_input"),
]


def problem(exc: Exception) -> web.Response | None:
    """The answer for a known error, or None for one that is a bug (500)."""
    if isinstance(exc, ApiError):
        return _answer(exc.status, exc.code, str(exc), fields=getattr(exc, "fields", None))
    if isinstance(exc, DraftAlreadyDecided):
        return _answer(409, f"already_{exc.status}", str(exc), status=exc.status,
                       decided_by=exc.decided_by, order_number=exc.order_number,
                       decided_at=exc.decided_at.isoformat() if exc.decided_at else None)
    for kind, status, code in STATUS:
        if isinstance(exc, kind):
            return _answer(status, code, str(exc), **_details(exc))
    return None


def _details(exc: Exception) -> dict[str, Any]:
    if isinstance(exc, StaleVersion):
        return {"expected_version": exc.expected, "current_version": exc.actual}
    if isinstance(exc, InvalidTransition):
        return {"axis": exc.axis, "from": exc.current, "to": exc.target, "rule": exc.rule}
    if isinstance(exc, RuleViolation):
        return {"rule": exc.rule}
    if isinstance(exc, DraftApprovalFailed):
        return {"reason": exc.reason}
    return {}


def _answer(http_status: int, code: str, message: str, **extra: Any) -> web.Response:
    body = {"error": message, "code": code, **{k: v for k, v in extra.items() if v is not None
                                                or k in ("decided_by", "order_number")}}
    return web.json_response(body, status=http_status)


@web.middleware
async def answer_errors(request: web.Request,
                        handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                        ) -> web.StreamResponse:
    """Errors become API answers here and nowhere else."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _answer(exc.status, "http_error", exc.reason)
    except Exception as exc:
        answer = problem(exc)
        if answer is None:
            raise
        return answer
