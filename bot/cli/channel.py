"""`orderbot channel add`: a shop's credentials for one chat platform (DESIGN.md, Contracts).

    orderbot channel add --shop SLUG telegram --token T --secret S
    orderbot channel add --shop SLUG whatsapp --phone-number-id ID --app-secret S --verify-token V --access-token A
    orderbot channel add --shop SLUG instagram --account-id ID --app-secret S --access-token A

Prints what it stored (secrets masked); adding the same kind again updates it.
"""
from __future__ import annotations

import argparse
import asyncio
import sys

from sqlalchemy.exc import OperationalError, ProgrammingError

from bot.models import INSTAGRAM, TELEGRAM, WHATSAPP
from bot.settings import BotSettings
from bot.webhooks import channels
from bot.webhooks.errors import ChannelError
from orders.db import make_engine, make_session_factory
from orders.errors import ShopNotFound
from orders.uow import UnitOfWork


def register(sub: argparse._SubParsersAction) -> None:
    channel = sub.add_parser("channel", help="a shop's chat channels").add_subparsers(
        dest="channel_command", required=True)
    add = channel.add_parser("add", help="store (or replace) a shop's channel credentials")
    add.add_argument("--shop", required=True, metavar="SLUG")
    kinds = add.add_subparsers(dest="kind", required=True, metavar="telegram|whatsapp|instagram")

    p = kinds.add_parser(TELEGRAM, help="a Telegram bot")
    p.add_argument("--token", required=True, help="the bot token from @BotFather")
    p.add_argument("--secret", required=True, help="the webhook secret (A-Z a-z 0-9 _ -)")

    p = kinds.add_parser(WHATSAPP, help="a WhatsApp Cloud API number")
    p.add_argument("--phone-number-id", required=True, metavar="ID")
    p.add_argument("--app-secret", required=True)
    p.add_argument("--verify-token", required=True)
    p.add_argument("--access-token", required=True)

    p = kinds.add_parser(INSTAGRAM, help="an Instagram professional account")
    p.add_argument("--account-id", required=True, metavar="ID")
    p.add_argument("--app-secret", required=True)
    p.add_argument("--access-token", required=True)
    add.set_defaults(func=_add)


def _fields(args: argparse.Namespace) -> dict:
    if args.kind == TELEGRAM:
        return channels.telegram_credentials(args.token, args.secret)
    if args.kind == WHATSAPP:
        return channels.meta_credentials(WHATSAPP, args.phone_number_id, args.app_secret,
                                         args.access_token, args.verify_token)
    return channels.meta_credentials(INSTAGRAM, args.account_id, args.app_secret,
                                     args.access_token)


def _add(args: argparse.Namespace) -> int:
    settings = BotSettings()
    try:
        stored = asyncio.run(_store(settings.DATABASE_URL, args))
    except ChannelError as exc:
        print(f"error: {exc.argument}: {exc}", file=sys.stderr)
        return 1
    except ShopNotFound as exc:
        print(f"error: --shop: {exc}", file=sys.stderr)
        return 1
    except (OperationalError, ProgrammingError) as exc:
        print(f"error: the database is not ready ({exc.orig}); run `orderbot migrate` first",
              file=sys.stderr)
        return 1
    print(_describe(stored, args.shop, settings.PUBLIC_BASE_URL))
    return 0


async def _store(url: str, args: argparse.Namespace) -> channels.Stored:
    fields = _fields(args)
    engine = make_engine(url)
    try:
        return await channels.save(UnitOfWork(make_session_factory(engine)), args.shop,
                                   args.kind, fields)
    finally:
        await engine.dispose()


def _describe(stored: channels.Stored, slug: str, public_url: str) -> str:
    c = stored.channel
    verb = "stored" if stored.created else "updated"
    base = public_url.rstrip("/")
    if c.kind == TELEGRAM:
        return (f"{verb} telegram channel for {slug}: bot {c.account_id}, token "
                f"{channels.masked(c.token)}, webhook secret {channels.masked(c.secret)}; "
                f"webhook {base}/webhooks/telegram/{slug}")
    if c.kind == WHATSAPP:
        return (f"{verb} whatsapp channel for {slug}: phone number id {c.account_id}, app secret "
                f"{channels.masked(c.secret)}, verify token {channels.masked(c.verify_token)}, "
                f"access token {channels.masked(c.token)}; webhook {base}/webhooks/whatsapp")
    return (f"{verb} instagram channel for {slug}: account id {c.account_id}, app secret "
            f"{channels.masked(c.secret)}, access token {channels.masked(c.token)}; "
            f"webhook {base}/webhooks/instagram")
