"""Shops and members: creating them, and turning an API token back into an actor."""
from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from orders.db import new_id, utcnow
from orders.domain.actors import Actor
from orders.domain.roles import Permission, Role
from orders.errors import AlreadyExists, InvalidInput, MemberNotFound, ShopNotFound
from orders.models import Member, Shop, ShopCounter
from orders.uow import UnitOfWork

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
DEFAULT_SETTINGS = {"auto_approve_threshold": None, "draft_expiry_hours": 24}


def hash_token(token: str) -> str:
    # Tokens are 32 random bytes: a fast hash is enough, nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


async def create_shop(uow: UnitOfWork, slug: str, name: str, *, currency: str | None = None,
                      region: str | None = None, language: str | None = None,
                      settings: dict[str, Any] | None = None) -> Shop:
    """A new tenant with its order counter. Not actor-checked: only the CLI (the operator) calls it.

    Currency, region and language left out get USD, US, en, and are remembered as defaulted
    so that a catalog file's shop block may fill them in later.
    """
    given = {"currency": currency, "region": region, "language": language}
    defaulted = sorted(k for k, v in given.items() if v is None)
    currency, region, language = currency or "USD", region or "US", language or "en"
    if not SLUG.match(slug):
        raise InvalidInput(f"Shop slug {slug!r} must be lowercase letters, digits and dashes.")
    if not name.strip():
        raise InvalidInput("A shop needs a name.")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise InvalidInput(f"Currency {currency!r} must be a 3-letter ISO code such as USD.")
    if not re.fullmatch(r"[A-Z]{2}", region):
        raise InvalidInput(f"Region {region!r} must be a 2-letter country code such as US.")
    if not re.fullmatch(r"[a-z]{2,3}", language):
        raise InvalidInput(f"Language {language!r} must be an ISO code such as en or es.")
    async with uow:
        if await uow.session.scalar(select(Shop.id).where(Shop.slug == slug)):
            raise AlreadyExists(f"A shop with slug {slug!r} already exists.")
        shop = Shop(id=new_id(), slug=slug, name=name.strip(), currency=currency, region=region,
                    language=language, settings={**DEFAULT_SETTINGS, "defaulted": defaulted, **(settings or {})})
        uow.session.add(shop)
        await uow.flush()
        uow.session.add(ShopCounter(shop_id=shop.id, name="order", value=0))
        await uow.commit()
    return shop


@dataclass(frozen=True)
class NewMember:
    member: Member
    token: str  # shown once; only its hash is stored


async def add_member(uow: UnitOfWork, shop_slug: str, name: str, role: str, *,
                     telegram_user_id: int | None = None, actor: Actor | None = None) -> NewMember:
    """A member with a fresh API token `<shop-slug>.<secret>` (the token names its shop).

    `actor` None means the operator at the command line; otherwise the actor must be an admin.
    """
    if role not in set(Role):
        raise InvalidInput(f"Role {role!r} is not one of {', '.join(Role)}.")
    if not name.strip():
        raise InvalidInput("A member needs a name.")
    async with uow:
        shop = await uow.shops.by_slug(shop_slug)
        if actor is not None:
            if actor.shop_id != shop.id:
                raise ShopNotFound(shop_slug)
            actor.require(Permission.MANAGE_MEMBERS)
        if telegram_user_id is not None and await uow.session.scalar(select(Member.id).where(
                Member.shop_id == shop.id, Member.telegram_user_id == telegram_user_id)):
            raise AlreadyExists(f"Telegram user {telegram_user_id} is already a member of {shop_slug}.")
        token = f"{shop.slug}.{secrets.token_urlsafe(32)}"
        member = Member(id=new_id(), shop_id=shop.id, name=name.strip(), role=role,
                        token_hash=hash_token(token), telegram_user_id=telegram_user_id)
        uow.session.add(member)
        await uow.commit()
    return NewMember(member, token)


async def authenticate(uow: UnitOfWork, token: str) -> Actor | None:
    """The actor behind an API token, or None if the token is not valid."""
    slug, _, secret = token.partition(".")
    if not secret:
        return None
    async with uow.reading():
        shop = await uow.session.scalar(select(Shop).where(Shop.slug == slug))
        if shop is None:
            return None
        member = await uow.members.by_token_hash(shop.id, hash_token(token))
    if member is None:
        return None
    return actor_of(member)


def actor_of(member: Member) -> Actor:
    return Actor(shop_id=member.shop_id, member_id=member.id, role=Role(member.role), name=member.name)


async def change_member(uow: UnitOfWork, actor: Actor, member_id: uuid.UUID, *,
                        role: str | None = None, deactivate: bool = False) -> Member:
    """An admin changes a member's role or deactivates them (their token stops working)."""
    if role is not None and role not in set(Role):
        raise InvalidInput(f"Role {role!r} is not one of {', '.join(Role)}.")
    async with uow:
        actor.require(Permission.MANAGE_MEMBERS)
        member = await uow.members.get(actor.shop_id, member_id)
        if member is None:
            raise MemberNotFound(member_id)
        if member.id == actor.member_id and (deactivate or (role and role != Role.ADMIN)):
            raise InvalidInput("You cannot demote or deactivate yourself; ask another admin.")
        if role is not None:
            member.role = role
        if deactivate and member.deactivated_at is None:
            member.deactivated_at = utcnow()
        member.version += 1
        await uow.commit()
    return member
