"""Warranty periods: a line's warranty runs `months` from completion; the customer hears 30 days
before it ends (seed 002)."""
from __future__ import annotations

import calendar
from datetime import datetime, timedelta

REMIND_BEFORE = timedelta(days=30)


def add_months(start: datetime, months: int) -> datetime:
    """Same day `months` later, or that month's last day (Jan 31 + 1 month = Feb 28/29)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


def period(start: datetime, months: int) -> tuple[datetime, datetime, datetime]:
    """(starts_at, ends_at, remind_at)."""
    ends = add_months(start, months)
    return start, ends, max(ends - REMIND_BEFORE, start)


def check_months(value: object) -> str | None:
    """What is wrong with a catalog's `warranty_months` (None: nothing)."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 240:
        return f"warranty_months {value!r} must be a whole number of months from 1 to 240, or null"
    return None
