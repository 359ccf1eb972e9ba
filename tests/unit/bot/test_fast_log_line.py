"""The request line written straight to the JSON handler (`bot.ops.logging.info_line`) is the
line the stdlib path writes: same keys in the same order, same values, secrets redacted and
bodies dropped; it falls back to the stdlib path when logging is not ours, and honours levels."""
from __future__ import annotations

import io
import json
import logging

import pytest
import structlog

from bot.ops.logging import configure_logging, info_line


@pytest.fixture
def buffer():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    out = io.StringIO()
    yield out
    root.handlers[:], level = saved
    root.setLevel(level)


def _lines(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_the_fast_line_is_the_stdlib_line(buffer):
    configure_logging("INFO", buffer)
    log = logging.getLogger("orderbot.http")
    fields = {"method": "POST", "path": "/webhooks/telegram/luigis", "status": 200, "ms": 1.25,
              "channel": "telegram", "shop": "luigis", "token": "123:SECRET", "text": "my address"}
    with structlog.contextvars.bound_contextvars(shop="luigis", draft="d-1", secret="hunter2"):
        log.info("request", extra=fields)
        info_line(log, "request", fields)

    generic, fast = _lines(buffer)
    assert list(fast) == list(generic)  # the same keys, in the same order
    assert {k: v for k, v in fast.items() if k != "timestamp"} == \
        {k: v for k, v in generic.items() if k != "timestamp"}
    assert fast["timestamp"].endswith("Z") and fast["timestamp"][:10] == generic["timestamp"][:10]
    assert fast["token"] == fast["secret"] == "[redacted]" and "text" not in fast
    assert "hunter2" not in buffer.getvalue() and "SECRET" not in buffer.getvalue()


def test_levels_are_honoured(buffer):
    configure_logging("WARNING", buffer)
    info_line(logging.getLogger("orderbot.http"), "request", {"status": 200})
    assert buffer.getvalue() == ""


def test_without_our_handler_it_goes_through_stdlib_logging(buffer, caplog):
    configure_logging("INFO", buffer)
    logging.getLogger().handlers[:] = [caplog.handler]  # another logging setup replaced ours
    with caplog.at_level(logging.INFO, logger="orderbot.http"):
        info_line(logging.getLogger("orderbot.http"), "request", {"status": 201})
    assert buffer.getvalue() == ""
    [record] = [r for r in caplog.records if r.name == "orderbot.http"]
    assert record.getMessage() == "request" and record.status == 201
