"""Meta's signed webhook POST, shared by WhatsApp and Instagram: route each envelope part to its
shop by account id, check the signature against that shop's app secret, store, answer 200."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web

from bot.webhooks import channels, intake
from bot.webhooks.errors import UnknownShop
from bot.webhooks.keys import SESSIONS
from ingestion.inbox import IncomingMessage
from orders.uow import UnitOfWork

Envelopes = Callable[[dict[str, Any]], list[tuple[str, Any]]]
# (shop id, part, the channel's secret: it also verifies the customers' signed button replies)
Incoming = Callable[[uuid.UUID, Any, str], Iterable[IncomingMessage]]


async def receive_signed(request: web.Request, channel: str, envelopes: Envelopes,
                         incoming: Incoming) -> web.Response:
    digest = intake.meta_signature(request)
    body = await intake.read_body(request)
    parts = envelopes(intake.parse_json(body))
    async with UnitOfWork(request.app[SESSIONS]).reading() as uow:
        routed = await channels.by_account(uow.session, channel, {account for account, _ in parts})
    for account, _ in parts:
        if account not in routed:
            raise UnknownShop(channel, account)
    intake.check_meta_signature(digest, body, {c.secret for c in routed.values()})
    return await intake.deliver(request, [message for account, part in parts
                                          for message in incoming(routed[account].shop_id, part,
                                                                  routed[account].secret)])
