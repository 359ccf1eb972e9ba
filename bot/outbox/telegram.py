"""Telegram sends through python-telegram-bot, under Telegram's rate limits.

Limits (DESIGN.md, Channels): about 1 message/s per chat, 20/min per group, 30/s per bot. They
are token buckets checked *before* a send; a message that would exceed one is not sent and not
dropped: the dispatcher puts it back with the wait (`RateLimited`), so one busy chat never holds
up the others. Tests pass faster `Limits`. The buckets live in the process: several
`orderbot serve` processes sending for the same bot each keep their own (Telegram's 429 and its
`retry_after` are the backstop then).

Our own buckets rather than aiolimiter: aiolimiter's `acquire()` waits in place, which would
hold a whole batch behind one busy chat; a bucket that *answers how long to wait* lets the row go
back to the outbox instead.
"""
from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram import error as tg_error

from bot.outbox.errors import RateLimited, Rejected, Transient


@dataclass(frozen=True)
class Limits:
    """(messages per second, burst) for each bucket."""

    per_chat: tuple[float, float] = (1.0, 1.0)
    per_group: tuple[float, float] = (20 / 60, 20.0)
    overall: tuple[float, float] = (30.0, 30.0)


CAPTION_MAX = 1024  # Telegram's limit for a document's caption


class Bucket:
    def __init__(self, rate: float, burst: float, clock: Callable[[], float]) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens, self.at = burst, clock()

    def wait(self) -> float:
        """Seconds until one token is there (0: now)."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class TelegramSender:
    def __init__(self, base_url: str, *, limits: Limits | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.base_url, self.limits, self.clock = base_url, limits or Limits(), clock
        self._bots: dict[str, telegram.Bot] = {}
        self._buckets: dict[tuple[str, str], Bucket] = {}

    async def close(self) -> None:
        for bot in self._bots.values():
            await bot.shutdown()
        self._bots.clear()

    async def send(self, token: str, chat: str, text: str, buttons: Buttons = ()) -> str:
        """Send `text` (with inline buttons (label, callback_data), one row or a list of rows);
        returns the message id."""
        self._admit(token, chat)
        message = await self._call(self._bot(token).send_message(
            chat_id=chat, text=text[:4096], reply_markup=_keyboard(buttons)))
        return str(message.message_id)

    async def edit(self, token: str, chat: str, message_id: str, text: str,
                   buttons: Buttons = ()) -> str:
        self._admit(token, chat)
        try:
            await self._call(self._bot(token).edit_message_text(
                chat_id=chat, message_id=int(message_id), text=text[:4096],
                reply_markup=_keyboard(buttons)))
        except Rejected as exc:
            if "not modified" not in str(exc):  # the same text again: done already
                raise
        return message_id

    async def send_document(self, token: str, chat: str, content: bytes, filename: str,
                            caption: str | None = None) -> str:
        """Send a file (an invoice PDF) with an optional caption; returns the message id."""
        self._admit(token, chat)
        message = await self._call(self._bot(token).send_document(
            chat_id=chat, document=content, filename=filename,
            caption=caption[:CAPTION_MAX] if caption else None))
        return str(message.message_id)

    def _bot(self, token: str) -> telegram.Bot:
        if token not in self._bots:
            self._bots[token] = telegram.Bot(token, base_url=self.base_url)
        return self._bots[token]

    def _admit(self, token: str, chat: str) -> None:
        group = chat.startswith("-")
        keys = [(token, "*"), (token, chat)] + ([(token, "group:" + chat)] if group else [])
        rates = [self.limits.overall, self.limits.per_chat] + ([self.limits.per_group] if group else [])
        buckets = [self._bucket(k, r) for k, r in zip(keys, rates, strict=True)]
        wait = max(b.wait() for b in buckets)
        if wait > 0:
            raise RateLimited(wait, "(our own Telegram limit)")
        for bucket in buckets:
            bucket.take()

    def _bucket(self, key: tuple[str, str], rate: tuple[float, float]) -> Bucket:
        if key not in self._buckets:
            self._buckets[key] = Bucket(rate[0], rate[1], self.clock)
        return self._buckets[key]

    @staticmethod
    async def _call(request):
        try:
            return await request
        except tg_error.RetryAfter as exc:
            with warnings.catch_warnings():  # PTB 22.2+ warns that it will become a timedelta
                warnings.simplefilter("ignore")
                wait = exc.retry_after
            raise RateLimited(wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait),
                              "(Telegram 429)") from exc
        except (tg_error.BadRequest, tg_error.Forbidden, tg_error.InvalidToken,
                tg_error.ChatMigrated) as exc:
            raise Rejected(f"Telegram refused: {exc}") from exc
        except tg_error.TelegramError as exc:  # NetworkError, TimedOut, 5xx
            raise Transient(f"Telegram: {exc}") from exc


Buttons = Sequence[tuple[str, str]] | Sequence[Sequence[tuple[str, str]]]


def _keyboard(buttons: Buttons) -> InlineKeyboardMarkup | None:
    """(label, callback_data) pairs in one row, or a list of such rows."""
    if not buttons:
        return None
    rows = [buttons] if isinstance(buttons[0][0], str) else buttons  # a pair, or a row of pairs
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)
                                  for label, data in row] for row in rows])
