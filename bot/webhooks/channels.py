"""Channel credentials: stored by `orderbot channel add`, looked up by every webhook.

The first shop (the oldest) may take its credentials from the environment instead (DESIGN.md,
Contracts): a kind it has no stored channel of is made from TELEGRAM_BOT_TOKEN +
TELEGRAM_WEBHOOK_SECRET, WHATSAPP_PHONE_NUMBER_ID + WHATSAPP_APP_SECRET (+ WHATSAPP_VERIFY_TOKEN,
WHATSAPP_ACCESS_TOKEN), INSTAGRAM_ACCOUNT_ID + INSTAGRAM_APP_SECRET (+ INSTAGRAM_ACCESS_TOKEN).
A stored channel always wins. The lookups read the process environment (`environment()`,
read once) unless given `env`.
"""
from __future__ import annotations

import asyncio
import hmac
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.models import INSTAGRAM, TELEGRAM, WHATSAPP, Channel
from bot.settings import BotSettings
from bot.webhooks.errors import AccountTaken, InvalidCredential
from orders.db import utcnow
from orders.models import Shop
from orders.uow import UnitOfWork

# Telegram's own rules: "bot<id>:<hash>" tokens; secrets of 1-256 characters A-Z a-z 0-9 _ -.
_BOT_TOKEN = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")
_TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_ACCOUNT_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
_ACCOUNT_FLAG = {WHATSAPP: "--phone-number-id", INSTAGRAM: "--account-id", TELEGRAM: "--token"}


@dataclass(frozen=True)
class Stored:
    channel: Channel
    created: bool


def telegram_credentials(token: str, secret: str) -> dict[str, str]:
    match = _BOT_TOKEN.match(token)
    if not match:
        raise InvalidCredential("--token", "a Telegram bot token looks like 123456:ABC-DEF...")
    if not _TELEGRAM_SECRET.match(secret):
        raise InvalidCredential("--secret", "Telegram allows 1-256 characters A-Z a-z 0-9 _ -")
    return {"account_id": match.group(1), "token": token, "secret": secret}


def meta_credentials(kind: str, account_id: str, app_secret: str, access_token: str,
                     verify_token: str | None = None) -> dict[str, str | None]:
    if not _ACCOUNT_ID.match(account_id):
        raise InvalidCredential(_ACCOUNT_FLAG[kind], "expected the numeric id Meta shows")
    for flag, value in (("--app-secret", app_secret), ("--access-token", access_token),
                        ("--verify-token", verify_token)):
        if value is not None and not value.strip():
            raise InvalidCredential(flag, "must not be empty")
    return {"account_id": account_id, "token": access_token, "secret": app_secret,
            "verify_token": verify_token}


async def save(uow: UnitOfWork, shop_slug: str, kind: str, fields: dict) -> Stored:
    """Insert or update the shop's channel of this kind (re-adding replaces the credentials)."""
    async with uow:
        shop = await uow.shops.by_slug(shop_slug)
        owner = await uow.session.scalar(
            select(Shop.slug).join(Channel, Channel.shop_id == Shop.id)
            .where(Channel.kind == kind, Channel.account_id == fields["account_id"],
                   Channel.shop_id != shop.id))
        if owner is not None:
            raise AccountTaken(_ACCOUNT_FLAG[kind], kind, fields["account_id"], owner)
        channel = await uow.session.get(Channel, (shop.id, kind))
        created = channel is None
        if created:
            channel = Channel(shop_id=shop.id, kind=kind, created_at=utcnow())
            uow.session.add(channel)
        for name, value in fields.items():
            setattr(channel, name, value)
        channel.updated_at = utcnow()
        await uow.commit()
    return Stored(channel, created)


async def telegram_of(session: AsyncSession, shop_slug: str,
                      env: BotSettings | None = None) -> Channel | None:
    stored = await session.scalar(
        select(Channel).join(Shop, Shop.id == Channel.shop_id)
        .where(Shop.slug == shop_slug, Channel.kind == TELEGRAM))
    if stored is not None:
        return stored
    first = await first_shop_channel(session, TELEGRAM, env)
    return first[1] if first is not None and first[0] == shop_slug else None


@dataclass(frozen=True)
class TelegramEndpoint:
    """What the Telegram webhook checks each update against (a plain copy: no ORM object)."""

    shop_id: uuid.UUID
    secret: str
    token: str


class TelegramEndpoints:
    """Each shop's Telegram channel, read from the database at most once per `ttl` seconds per
    process: every webhook request needs it, and a session per request costs more than the
    insert itself.

    Staleness is bounded and one-sided: `refresh` re-reads at once, so a secret just rotated by
    `orderbot channel add` (another process) is accepted on its first request; an old secret
    or a removed channel keeps working for at most `ttl` seconds. Shops without a channel are
    not remembered (they are re-read each time), so a channel added later works at once.
    Concurrent misses for one shop share one read.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, ttl: float = 5.0,
                 max_shops: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.sessions, self.ttl, self.max_shops, self.clock = sessions, ttl, max_shops, clock
        self._known: dict[str, tuple[float, TelegramEndpoint]] = {}
        self._reading: dict[str, asyncio.Future[TelegramEndpoint | None]] = {}
        self.reads = 0  # database reads made (tests)

    async def get(self, slug: str, *, refresh: bool = False) -> TelegramEndpoint | None:
        known = self._known.get(slug)
        if known is not None and not refresh and self.clock() - known[0] < self.ttl:
            return known[1]
        if slug not in self._reading:
            read = asyncio.ensure_future(self._read(slug))
            self._reading[slug] = read
            read.add_done_callback(lambda _: self._reading.pop(slug, None))
        return await asyncio.shield(self._reading[slug])

    async def _read(self, slug: str) -> TelegramEndpoint | None:
        self.reads += 1
        async with UnitOfWork(self.sessions).reading() as uow:
            channel = await telegram_of(uow.session, slug)
            found = None if channel is None else TelegramEndpoint(
                channel.shop_id, channel.secret or "", channel.token or "")
        self._known.pop(slug, None)
        if found is not None:
            if len(self._known) >= self.max_shops:
                self._known.pop(next(iter(self._known)))  # the oldest entry
            self._known[slug] = (self.clock(), found)
        return found


async def telegram_all(session: AsyncSession, env: BotSettings | None = None) -> list[Channel]:
    """Every shop's Telegram channel (the first shop's from the environment included)."""
    found = list(await session.scalars(select(Channel).where(Channel.kind == TELEGRAM)))
    first = await first_shop_channel(session, TELEGRAM, env)
    return found + ([first[1]] if first is not None else [])


async def by_account(session: AsyncSession, kind: str, account_ids: set[str],
                     env: BotSettings | None = None) -> dict[str, Channel]:
    """The channels the posted ids route to, by account id (ids nobody registered are absent)."""
    rows = await session.scalars(
        select(Channel).where(Channel.kind == kind, Channel.account_id.in_(account_ids)))
    routed = {row.account_id: row for row in rows}
    if account_ids - routed.keys():
        first = await first_shop_channel(session, kind, env)
        if first is not None and first[1].account_id in account_ids - routed.keys():
            routed[first[1].account_id] = first[1]
    return routed


async def verify_token_known(session: AsyncSession, token: str,
                             env: BotSettings | None = None) -> bool:
    """Whether any shop's WhatsApp channel has this verify token (compared in constant time)."""
    tokens = list(await session.scalars(
        select(Channel.verify_token).where(Channel.kind == WHATSAPP,
                                           Channel.verify_token.is_not(None))))
    first = await first_shop_channel(session, WHATSAPP, env)
    if first is not None and first[1].verify_token:
        tokens.append(first[1].verify_token)
    given = token.encode()
    # A list, not a generator: every token is compared, so the timing says nothing of which.
    return any([hmac.compare_digest(given, known.encode()) for known in tokens])  # noqa: C419


@lru_cache(maxsize=1)
def environment() -> BotSettings:
    """The process environment's settings, read once (tests call `environment.cache_clear()`)."""
    return BotSettings()


def from_environment(kind: str, env: BotSettings) -> dict[str, str | None] | None:
    """The channel fields the environment gives for `kind`; None unless all it needs are set."""
    if kind == TELEGRAM and env.TELEGRAM_BOT_TOKEN and env.TELEGRAM_WEBHOOK_SECRET:
        bot_id = _BOT_TOKEN.match(env.TELEGRAM_BOT_TOKEN)
        return {"account_id": bot_id.group(1) if bot_id else None,
                "token": env.TELEGRAM_BOT_TOKEN, "secret": env.TELEGRAM_WEBHOOK_SECRET}
    if kind == WHATSAPP and env.WHATSAPP_PHONE_NUMBER_ID and env.WHATSAPP_APP_SECRET:
        return {"account_id": env.WHATSAPP_PHONE_NUMBER_ID, "token": env.WHATSAPP_ACCESS_TOKEN,
                "secret": env.WHATSAPP_APP_SECRET, "verify_token": env.WHATSAPP_VERIFY_TOKEN}
    if kind == INSTAGRAM and env.INSTAGRAM_ACCOUNT_ID and env.INSTAGRAM_APP_SECRET:
        return {"account_id": env.INSTAGRAM_ACCOUNT_ID, "token": env.INSTAGRAM_ACCESS_TOKEN,
                "secret": env.INSTAGRAM_APP_SECRET}
    return None


async def first_shop_channel(session: AsyncSession, kind: str,
                             env: BotSettings | None = None) -> tuple[str, Channel] | None:
    """(slug, channel) of the oldest shop from the environment, when it has none of `kind`
    stored. The channel is never added to the session: nothing of it is written."""
    fields = from_environment(kind, env or environment())
    if fields is None:
        return None
    shop = await session.scalar(select(Shop).order_by(Shop.created_at, Shop.id).limit(1))
    if shop is None or await session.get(Channel, (shop.id, kind)) is not None:
        return None
    return shop.slug, Channel(shop_id=shop.id, kind=kind, **fields)


def masked(secret: str | None) -> str:
    """Enough of a secret to recognise it, never all of it."""
    if not secret:
        return "(none)"
    return f"****{secret[-4:]}" if len(secret) >= 12 else "****"
