"""Administration commands (DESIGN.md, Contracts), all against the database at DATABASE_URL:

    orderbot migrate
    orderbot shop create SLUG --name NAME [--currency USD] [--region US] [--language en]
    orderbot shop invite --shop SLUG --role admin|manager|agent|viewer [--name NAME] [--hours 72]
    orderbot shop settings --shop SLUG [--payment-instructions T] [--stages a,b] [--checklist ...] ...
    orderbot shop template --shop SLUG --kind KIND --language LANG [TEXT]
    orderbot member add --shop SLUG --name NAME --role admin|manager|agent|viewer [--telegram-user-id N]
    orderbot catalog import --shop SLUG FILE.json|FILE.csv

Each prints what it made; an error names the bad argument and exits with status 1.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError, ProgrammingError

from orders.catalog_file import read_catalog
from orders.db import make_engine, make_session_factory
from orders.domain.actors import Actor
from orders.domain.roles import Role
from orders.errors import (AlreadyExists, CatalogFileError, InvalidInput, OrderCoreError,
                           ShopNotFound)
from orders.migrate import upgrade
from orders.services.catalog import import_catalog
from orders.services.invites import DEFAULT_HOURS, create_invite
from orders.services.shop_settings import update_shop_settings
from orders.services.templates import set_template
from orders.services.shops import add_member, create_shop
from orders.settings import Settings
from orders.uow import UnitOfWork


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("migrate", help="upgrade the database at DATABASE_URL to the newest migration")
    p.set_defaults(func=_migrate)

    shop = sub.add_parser("shop", help="shops").add_subparsers(dest="shop_command", required=True)
    p = shop.add_parser("create", help="create a shop")
    p.add_argument("slug", metavar="SLUG", help="short name: lowercase letters, digits, dashes")
    p.add_argument("--name", required=True)
    p.add_argument("--currency", help="ISO 4217 code (default USD)")
    p.add_argument("--region", help="ISO country code for phone numbers (default US)")
    p.add_argument("--language", help="ISO language code for the parser (default en)")
    p.set_defaults(func=_run(_shop_create))
    p = shop.add_parser("invite", help="a one-time code: whoever sends `/start CODE` to the "
                        "shop's Telegram bot becomes a member; prints the code on the last line")
    p.add_argument("--shop", required=True, metavar="SLUG")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--name", help="the member's name (default: their Telegram name)")
    p.add_argument("--hours", type=float, default=DEFAULT_HOURS,
                   help=f"how long the code works (default {DEFAULT_HOURS})")
    p.set_defaults(func=_run(_shop_invite))

    p = shop.add_parser("settings", help="change a shop's settings; prints them all")
    p.add_argument("--shop", required=True, metavar="SLUG")
    p.add_argument("--payment-instructions", metavar="TEXT",
                   help="sent with a payment request (bank details or a payment link)")
    p.add_argument("--auto-complete-days", metavar="N|none",
                   help="days after delivery until an order completes by itself (default 7)")
    p.add_argument("--stages", metavar="A,B,...", help="production stages in order ('' for none)")
    p.add_argument("--checklist", metavar="ITEM,...",
                   help="packing checklist; 'photo:ITEM' needs a photo ('' for none)")
    p.add_argument("--auto-approve-threshold", metavar="C|none",
                   help="approve drafts at or above this confidence (0.5-1.0) without a seller")
    p.add_argument("--draft-expiry-hours", type=float, metavar="H")
    p.set_defaults(func=_run(_shop_settings))
    p = shop.add_parser("template", help="the shop's own wording of a notice (empty: default)")
    p.add_argument("--shop", required=True, metavar="SLUG")
    p.add_argument("--kind", required=True, help="the notice, e.g. order.status_changed")
    p.add_argument("--language", required=True, help="ISO code, e.g. en or es")
    p.add_argument("text", nargs="?", default="", metavar="TEXT",
                   help="the text with {number}-style placeholders; leave out to reset")
    p.set_defaults(func=_run(_shop_template))

    member = sub.add_parser("member", help="shop members").add_subparsers(
        dest="member_command", required=True)
    p = member.add_parser("add", help="add a member; prints their API token on the last line")
    p.add_argument("--shop", required=True, metavar="SLUG")
    p.add_argument("--name", required=True)
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--telegram-user-id", type=int, metavar="N")
    p.set_defaults(func=_run(_member_add))

    catalog = sub.add_parser("catalog", help="the shop's catalog").add_subparsers(
        dest="catalog_command", required=True)
    p = catalog.add_parser("import", help="import products (upsert by sku) from JSON or CSV")
    p.add_argument("--shop", required=True, metavar="SLUG")
    p.add_argument("file", metavar="FILE.json|FILE.csv", type=Path)
    p.set_defaults(func=_run(_catalog_import))


def _migrate(args: argparse.Namespace) -> int:
    url = Settings().DATABASE_URL
    asyncio.run(upgrade(url))
    print(f"database at {_safe(url)} is up to date")
    return 0


def _run(command: Callable[[UnitOfWork, argparse.Namespace], Awaitable[None]]
         ) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            asyncio.run(_with_uow(command, args))
        except (CatalogFileError, ShopNotFound, AlreadyExists, InvalidInput) as exc:
            print(f"error: {_argument_of(exc, args)}{exc}", file=sys.stderr)
            return 1
        except OrderCoreError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        except (OperationalError, ProgrammingError) as exc:
            print(f"error: the database at DATABASE_URL={_safe(Settings().DATABASE_URL)} is not "
                  f"ready ({exc.orig}); run `orderbot migrate` first", file=sys.stderr)
            return 1
        return 0
    return run


async def _with_uow(command: Callable[..., Awaitable[None]], args: argparse.Namespace) -> None:
    engine = make_engine(Settings().DATABASE_URL)
    try:
        await command(UnitOfWork(make_session_factory(engine)), args)
    finally:
        await engine.dispose()


def _argument_of(exc: Exception, args: argparse.Namespace) -> str:
    """Which argument the error is about, as the user typed it."""
    text = str(exc).lower()
    if isinstance(exc, ShopNotFound):
        return "--shop: "
    if isinstance(exc, CatalogFileError):
        return f"{args.file}: "
    for needle, flag in ARGUMENT_WORDS:
        if needle in text:
            return f"{flag}: "
    return ""


# (words in an error, the argument they point at), most specific first.
ARGUMENT_WORDS = (
    ("notice kind", "--kind"), ("payment instructions", "--payment-instructions"), ("auto_complete", "--auto-complete-days"),
    ("auto-complete", "--auto-complete-days"), ("auto_approve", "--auto-approve-threshold"),
    ("auto-approve", "--auto-approve-threshold"), ("draft_expiry", "--draft-expiry-hours"),
    ("stage", "--stages"), ("checklist", "--checklist"),
    ("slug", "SLUG"), ("currency", "--currency"), ("region", "--region"),
    ("language", "--language"), ("telegram", "--telegram-user-id"), ("role", "--role"),
    ("name", "--name"), ("hours", "--hours"))


async def _shop_create(uow: UnitOfWork, args: argparse.Namespace) -> None:
    shop = await create_shop(uow, args.slug, args.name, currency=args.currency,
                             region=args.region, language=args.language)
    print(f"created shop {shop.slug} ({shop.name}): currency {shop.currency}, "
          f"region {shop.region}, language {shop.language}, id {shop.id}")


async def _shop_invite(uow: UnitOfWork, args: argparse.Namespace) -> None:
    made = await create_invite(uow, args.shop, args.role, name=args.name, hours=args.hours)
    who = f" for {made.invite.name}" if made.invite.name else ""
    print(f"invite{who} to {args.shop} as {made.invite.role}, works once until "
          f"{made.invite.expires_at:%Y-%m-%d %H:%M} UTC")
    print(f"send this to the shop's Telegram bot: /start {made.code}")
    print(made.code)


async def _shop_settings(uow: UnitOfWork, args: argparse.Namespace) -> None:
    changes: dict[str, Any] = {}
    if args.payment_instructions is not None:
        changes["payment_instructions"] = args.payment_instructions
    if args.auto_complete_days is not None:
        changes["auto_complete_days"] = _number_or_none(args.auto_complete_days, int,
                                                        "auto-complete-days")
    if args.stages is not None:
        changes["stages"] = _items(args.stages)
    if args.checklist is not None:
        changes["packing_checklist"] = [
            {"name": item[len("photo:"):].strip(), "photo": True} if item.startswith("photo:")
            else item for item in _items(args.checklist)]
    if args.auto_approve_threshold is not None:
        changes["auto_approve_threshold"] = _number_or_none(args.auto_approve_threshold, float,
                                                            "auto-approve-threshold")
    if args.draft_expiry_hours is not None:
        changes["draft_expiry_hours"] = args.draft_expiry_hours
    async with uow.reading():
        shop = await uow.shops.by_slug(args.shop)
    shop = await update_shop_settings(uow, Actor.system(shop.id), **changes)
    print(f"settings of {shop.slug}:")
    for key, value in sorted((shop.settings or {}).items()):
        print(f"  {key}: {json.dumps(value, ensure_ascii=False)}")


async def _shop_template(uow: UnitOfWork, args: argparse.Namespace) -> None:
    async with uow.reading():
        shop = await uow.shops.by_slug(args.shop)
    made = await set_template(uow, Actor.system(shop.id), args.kind, args.language, args.text)
    print(f"{args.kind} ({args.language}) of {shop.slug}: " +
          (f"set to {made.text!r}" if made is not None else "back to the default text"))


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _number_or_none(text: str, kind: type, name: str) -> Any:
    if text.strip().lower() in ("none", "null", ""):
        return None
    try:
        return kind(text)
    except ValueError:
        raise InvalidInput(f"{name} must be a number or none, not {text!r}.") from None


async def _member_add(uow: UnitOfWork, args: argparse.Namespace) -> None:
    made = await add_member(uow, args.shop, args.name, args.role,
                            telegram_user_id=args.telegram_user_id)
    tg = f", telegram user {made.member.telegram_user_id}" if made.member.telegram_user_id else ""
    print(f"added {made.member.role} {made.member.name} to {args.shop}{tg}, id {made.member.id}")
    print("API token (shown once; use it as `Authorization: Bearer <token>`):")
    print(made.token)


async def _catalog_import(uow: UnitOfWork, args: argparse.Namespace) -> None:
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CatalogFileError([f"cannot read the file ({exc.strerror})"]) from None
    shop_block, products = read_catalog(text, args.file.name)
    report = await import_catalog(uow, args.shop, shop_block, products)
    print(f"imported {len(products)} products into {args.shop}: "
          f"{len(report.created)} new, {len(report.updated)} updated")
    for key, value in report.shop_filled.items():
        print(f"  shop {key} set to {value} from the file")


def _safe(url: str) -> str:
    """The URL without its password."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    creds, _, host = rest.rpartition("@")
    return f"{scheme}://{creds.split(':')[0]}:***@{host}" if ":" in creds else url


__all__: list[Any] = ["register"]
