"""Refuse to serve with missing or default secrets on an enabled channel.

A webhook whose secret is empty, a placeholder or guessable lets anyone post orders in a shop's
name, so `orderbot serve` runs `check(settings)` first and stops with every problem listed,
each naming the setting (an environment variable, or the shop's stored channel and the
`orderbot channel add` flag that replaces it).

Enabled means: an environment channel with any of its variables set, or a channel row stored
for a shop.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import INSTAGRAM, TELEGRAM, WHATSAPP, Channel
from orders.db import make_engine, make_session_factory
from orders.models import Shop
from orders.settings import Settings

MIN_SECRET_LENGTH = 16
PLACEHOLDERS = frozenset({"changeme", "change-me", "change_me", "secret", "password", "default",
                          "example", "test", "token", "xxx", "todo", "replace-me", "replaceme",
                          "your-secret", "your_secret", "webhook-secret", "verify-token"})

# Environment channels: the variables that enable each, and the secrets each then needs.
ENV_CHANNELS = {
    TELEGRAM: (("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"),
               ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET")),
    WHATSAPP: (("WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_ACCESS_TOKEN",
                "WHATSAPP_PHONE_NUMBER_ID"),
               ("WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN")),
    INSTAGRAM: (("INSTAGRAM_APP_SECRET", "INSTAGRAM_ACCESS_TOKEN", "INSTAGRAM_ACCOUNT_ID"),
                ("INSTAGRAM_APP_SECRET",)),
}
# Tokens the platform issued: no placeholders, but their length is the platform's business.
ISSUED = frozenset({"TELEGRAM_BOT_TOKEN", "WHATSAPP_ACCESS_TOKEN", "INSTAGRAM_ACCESS_TOKEN"})


class StartupRefused(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("refusing to start:\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


def weakness(value: str | None, *, issued: bool = False) -> str | None:
    """Why a secret is unusable, or None."""
    if value is None or not value.strip():
        return "is empty"
    if value.strip().lower() in PLACEHOLDERS or len(set(value)) == 1:
        return "is a placeholder value"
    if not issued and len(value) < MIN_SECRET_LENGTH:
        return f"is shorter than {MIN_SECRET_LENGTH} characters"
    return None


def environment_problems(settings: Settings) -> list[str]:
    problems = []
    for kind, (enabling, required) in ENV_CHANNELS.items():
        given = [name for name in enabling if getattr(settings, name, None)]
        if not given:
            continue
        checked = dict.fromkeys([*required, *(n for n in given if n in ISSUED)])
        for name in checked:
            reason = weakness(getattr(settings, name, None), issued=name in ISSUED)
            if reason:
                problems.append(f"{name} {reason} (the {kind} channel is enabled by "
                                f"{', '.join(given)})")
    return problems


async def channel_problems(sessions: Callable[[], AsyncSession]) -> list[str]:
    async with sessions() as session:
        rows = (await session.execute(
            select(Shop.slug, Channel).join(Channel, Channel.shop_id == Shop.id)
            .order_by(Shop.slug, Channel.kind))).all()
    problems = []
    for slug, channel in rows:
        for what, flag, value, issued in _stored_secrets(channel):
            reason = weakness(value, issued=issued)
            if reason:
                problems.append(f"shop {slug}: the {channel.kind} {what} {reason}; replace it "
                                f"with `orderbot channel add --shop {slug} {channel.kind} "
                                f"... {flag} NEW`")
    return problems


def _stored_secrets(channel: Channel) -> list[tuple[str, str, str | None, bool]]:
    """(what, the `channel add` flag that sets it, value, issued by the platform)."""
    if channel.kind == TELEGRAM:
        return [("webhook secret", "--secret", channel.secret, False),
                ("bot token", "--token", channel.token, True)]
    secrets = [("app secret", "--app-secret", channel.secret, False)]
    if channel.token:  # sending needs it, receiving safely does not
        secrets.append(("access token", "--access-token", channel.token, True))
    if channel.kind == WHATSAPP:
        secrets.append(("verify token", "--verify-token", channel.verify_token, False))
    return secrets


async def check(settings: Settings, sessions: Callable[[], AsyncSession] | None = None) -> None:
    """Raise StartupRefused listing every problem; the database's channels are read from
    `sessions`, or from DATABASE_URL."""
    problems = environment_problems(settings)
    engine = None
    if sessions is None:
        engine = make_engine(settings.DATABASE_URL)
        sessions = make_session_factory(engine)
    try:
        problems += await channel_problems(sessions)
    except Exception as exc:  # noqa: BLE001  unread channels are unchecked channels: refuse
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        problems.append(f"DATABASE_URL: cannot read the shops' channels ({type(exc).__name__}: "
                        f"{first_line}); is the database up and `orderbot migrate` run?")
    finally:
        if engine is not None:
            await engine.dispose()
    if problems:
        raise StartupRefused(problems)
