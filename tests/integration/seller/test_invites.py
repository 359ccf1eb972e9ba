"""Invite codes (`orderbot shop invite`, `/start CODE`): one code, one member, until it expires."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from orders.db import utcnow
from orders.errors import AlreadyExists, InvalidInput, PermissionDenied
from orders.models import Member, MemberInvite, Shop
from orders.services.shops import create_shop
from orders.services.invites import (InviteNotValid, create_invite, link_seller_group,
                                     redeem_invite)


async def members_linked(db, *users: int) -> int:
    async with db.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(Member).where(
            Member.telegram_user_id.in_(users)))


async def test_a_code_makes_one_member_with_its_role_and_is_spent(db, make):
    shop = await make.shop("luigis")
    made = await create_invite(db.uow(), "luigis", "agent")
    member = await redeem_invite(db.uow(), shop.id, made.code.lower(), telegram_user_id=77,
                                 name="Dana Scully")
    assert (member.role, member.name, member.telegram_user_id) == ("agent", "Dana Scully", 77)
    with pytest.raises(InviteNotValid):
        await redeem_invite(db.uow(), shop.id, made.code, telegram_user_id=78, name="Eve")
    async with db.uow() as uow:
        invite = await uow.session.get(MemberInvite, (shop.id, made.invite.id))
        assert invite.used_at is not None and invite.member_id == member.id
        assert made.code not in (invite.code_hash,)  # only the hash is kept


async def test_expired_unknown_and_other_shops_codes_are_refused(db, make):
    shop, other = await make.shop("luigis"), await make.shop("marios")
    made = await create_invite(db.uow(), "luigis", "viewer", hours=1)
    for shop_id, code, now in ((shop.id, made.code, utcnow() + timedelta(hours=2)),
                               (shop.id, "NOPE123456", None), (other.id, made.code, None)):
        with pytest.raises(InviteNotValid):
            await redeem_invite(db.uow(), shop_id, code, telegram_user_id=5, name="X", now=now)
    assert await members_linked(db, 5) == 0


async def test_a_member_already_linked_keeps_the_code_unspent(db, make):
    shop = await make.shop("luigis")
    await make.member(shop, "manager", "Maria", telegram_user_id=9)
    made = await create_invite(db.uow(), "luigis", "agent")
    with pytest.raises(AlreadyExists, match="already a member of this shop as Maria"):
        await redeem_invite(db.uow(), shop.id, made.code, telegram_user_id=9, name="Maria")
    assert (await redeem_invite(db.uow(), shop.id, made.code, telegram_user_id=10, name="N")).role == "agent"


async def test_bad_roles_and_lifetimes_are_refused(db, make):
    await make.shop("luigis")
    with pytest.raises(InvalidInput, match="Role 'owner'"):
        await create_invite(db.uow(), "luigis", "owner")
    with pytest.raises(InvalidInput, match="30 days"):
        await create_invite(db.uow(), "luigis", "agent", hours=24 * 31)


async def test_two_people_racing_with_one_code_make_one_member(pg_db):
    shop = await create_shop(pg_db.uow(), "luigis", "Luigi's")
    made = await create_invite(pg_db.uow(), "luigis", "agent")
    results = await asyncio.gather(*(
        redeem_invite(pg_db.uow(), shop.id, made.code, telegram_user_id=100 + i, name=f"P{i}")
        for i in range(8)), return_exceptions=True)
    assert sum(isinstance(r, Member) for r in results) == 1
    assert all(isinstance(r, (Member, InviteNotValid)) for r in results)
    assert await members_linked(pg_db, *range(100, 108)) == 1


async def test_only_an_admin_links_the_seller_group(db, make):
    shop = await make.shop("luigis")
    agent, admin = await make.member(shop, "agent"), await make.member(shop, "admin")
    with pytest.raises(PermissionDenied):
        await link_seller_group(db.uow(), agent, -100777)
    await link_seller_group(db.uow(), admin, -100777)
    async with db.uow() as uow:
        assert (await uow.session.get(Shop, shop.id)).settings["seller_group_chat_id"] == -100777
