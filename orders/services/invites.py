"""Invite codes: how a person in a chat becomes a shop member without anyone typing user ids.

    code = (await create_invite(uow, "luigis", "agent")).code   # `orderbot shop invite`
    member = await redeem_invite(uow, shop_id, code, telegram_user_id=42, name="Dana")

A code works once (a conditional UPDATE on `used_at IS NULL`, so two people racing with the same
code make one member) and only until it expires. Only its hash is stored.
"""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from orders.db import new_id, utcnow
from orders.domain.actors import Actor
from orders.domain.roles import Permission, Role
from orders.errors import AlreadyExists, InvalidInput
from orders.models import Member, MemberInvite
from orders.services.shops import hash_token
from orders.uow import UnitOfWork

DEFAULT_HOURS = 72
# No 0/O, 1/I/L: codes are read aloud and typed on phones.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


class InviteNotValid(InvalidInput):
    def __init__(self) -> None:
        super().__init__("That invite code is not valid: it is unknown, used or expired. "
                         "Ask the shop's admin for a new one.")


@dataclass(frozen=True)
class NewInvite:
    invite: MemberInvite
    code: str  # shown once


def normalize(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


async def create_invite(uow: UnitOfWork, shop_slug: str, role: str, *, name: str | None = None,
                        hours: float = DEFAULT_HOURS) -> NewInvite:
    """A one-time code that makes its sender a member with `role` (operator command)."""
    if role not in set(Role):
        raise InvalidInput(f"Role {role!r} is not one of {', '.join(Role)}.")
    if not 0 < hours <= 24 * 30:
        raise InvalidInput(f"An invite lasts from a few minutes to 30 days, not {hours} hours.")
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    async with uow:
        shop = await uow.shops.by_slug(shop_slug)
        invite = MemberInvite(shop_id=shop.id, id=new_id(), code_hash=hash_token(code), role=role,
                              name=(name or "").strip() or None,
                              expires_at=utcnow() + timedelta(hours=hours))
        uow.session.add(invite)
        await uow.commit()
    return NewInvite(invite, code)


async def member_by_telegram(uow: UnitOfWork, shop_id: uuid.UUID,
                             telegram_user_id: int) -> Member | None:
    """The active member with this Telegram user id (call inside an open unit of work)."""
    return await uow.session.scalar(select(Member).where(
        Member.shop_id == shop_id, Member.telegram_user_id == telegram_user_id,
        Member.deactivated_at.is_(None)))


async def redeem_invite(uow: UnitOfWork, shop_id: uuid.UUID, code: str, *, telegram_user_id: int,
                        name: str, now: datetime | None = None) -> Member:
    """Spend the code: a new member with the invite's role, linked to this Telegram user."""
    now = now or utcnow()
    async with uow:
        existing = await member_by_telegram(uow, shop_id, telegram_user_id)
        if existing is not None:
            raise AlreadyExists(f"You are already a member of this shop as {existing.name} "
                                f"({existing.role}).")
        invite = await uow.session.scalar(select(MemberInvite).where(
            MemberInvite.shop_id == shop_id, MemberInvite.code_hash == hash_token(normalize(code))))
        if invite is None or invite.used_at is not None or invite.expires_at <= now:
            raise InviteNotValid
        member = Member(id=new_id(), shop_id=shop_id, name=invite.name or name.strip() or "Seller",
                        role=invite.role, telegram_user_id=telegram_user_id,
                        # No API token for a chat member; an admin can issue one with `member add`.
                        token_hash=hash_token(secrets.token_urlsafe(32)))
        spent = await uow.session.execute(
            update(MemberInvite)
            .where(MemberInvite.shop_id == shop_id, MemberInvite.id == invite.id,
                   MemberInvite.used_at.is_(None))
            .values(used_at=now, member_id=member.id)
            .execution_options(synchronize_session=False))
        if spent.rowcount != 1:
            raise InviteNotValid  # someone else spent it a moment ago
        uow.session.add(member)
        await uow.commit()
    return member


async def link_seller_group(uow: UnitOfWork, actor: Actor, chat_id: int) -> None:
    """Cards go to this Telegram group too (the shop's `seller_group_chat_id`); admins only."""
    actor.require(Permission.MANAGE_MEMBERS)
    async with uow:
        shop = await uow.shops.get(actor.shop_id)
        shop.settings = {**(shop.settings or {}), "seller_group_chat_id": chat_id}
        await uow.commit()
