"""`orderbot telegram set-webhook --shop SLUG`: tell Telegram where the shop's bot posts updates.

Registers PUBLIC_BASE_URL + /webhooks/telegram/SLUG with the shop's webhook secret as
`secret_token` (Telegram sends it back in X-Telegram-Bot-Api-Secret-Token) for the updates the
webhook stores: message, edited_message, callback_query. Talks to TELEGRAM_API_BASE_URL through
python-telegram-bot. Prints what it registered; the secret itself is never printed.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass

from sqlalchemy.exc import OperationalError, ProgrammingError
from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot.settings import BotSettings
from bot.webhooks import channels
from orders.db import make_engine, make_session_factory
from orders.errors import ShopNotFound
from orders.uow import UnitOfWork

ALLOWED_UPDATES = ("message", "edited_message", "callback_query")


class NoTelegramChannel(Exception):
    def __init__(self, slug: str) -> None:
        super().__init__(f"shop {slug} has no Telegram channel; add one with `orderbot channel "
                         f"add --shop {slug} telegram --token T --secret S`")


@dataclass(frozen=True)
class Registered:
    url: str
    bot_username: str
    bot_id: int


def register(sub: argparse._SubParsersAction) -> None:
    telegram = sub.add_parser("telegram", help="a shop's Telegram bot").add_subparsers(
        dest="telegram_command", required=True)
    p = telegram.add_parser("set-webhook", help="register the shop's webhook with Telegram")
    p.add_argument("--shop", required=True, metavar="SLUG")
    p.set_defaults(func=_set_webhook)


def _set_webhook(args: argparse.Namespace) -> int:
    settings = BotSettings()
    try:
        done = asyncio.run(set_webhook(settings, args.shop))
    except ShopNotFound as exc:
        return _fail(f"--shop: {exc}")
    except NoTelegramChannel as exc:
        return _fail(f"--shop: {exc}")
    except InvalidToken as exc:
        return _fail(f"Telegram refused shop {args.shop}'s bot token ({exc}); "
                     "store the right one with `orderbot channel add`")
    except TelegramError as exc:
        return _fail(f"Telegram did not register the webhook: {exc}")
    except (OperationalError, ProgrammingError) as exc:
        return _fail(f"the database is not ready ({exc.orig}); run `orderbot migrate` first")
    print(f"registered webhook {done.url} for @{done.bot_username} (bot {done.bot_id}) with the "
          f"shop's webhook secret as secret_token; updates: {', '.join(ALLOWED_UPDATES)}")
    return 0


async def set_webhook(settings: BotSettings, slug: str) -> Registered:
    engine = make_engine(settings.DATABASE_URL)
    try:
        async with UnitOfWork(make_session_factory(engine)).reading() as uow:
            await uow.shops.by_slug(slug)
            channel = await channels.telegram_of(uow.session, slug, settings)
    finally:
        await engine.dispose()
    if channel is None:
        raise NoTelegramChannel(slug)
    url = f"{settings.PUBLIC_BASE_URL.rstrip('/')}/webhooks/telegram/{slug}"
    async with Bot(channel.token, base_url=settings.TELEGRAM_API_BASE_URL) as bot:
        await bot.set_webhook(url, secret_token=channel.secret,
                              allowed_updates=list(ALLOWED_UPDATES))
        return Registered(url, bot.username, bot.id)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1
