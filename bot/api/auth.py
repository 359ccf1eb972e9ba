"""Who is calling: the member behind `Authorization: Bearer <token>` (the token names the shop)."""
from __future__ import annotations

from aiohttp import web

from bot.api.errors import Unauthorized
from bot.webhooks.keys import SESSIONS
from orders.domain.actors import Actor
from orders.services import authenticate
from orders.uow import UnitOfWork


def unit_of_work(request: web.Request) -> UnitOfWork:
    return UnitOfWork(request.config_dict[SESSIONS])


async def actor_of(request: web.Request) -> Actor:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send your member token as 'Authorization: Bearer <token>'.")
    actor = await authenticate(unit_of_work(request), token.strip())
    if actor is None:
        raise Unauthorized("That token is not valid.")
    return actor
