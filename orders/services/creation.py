"""Making orders: directly by a seller (`create_order`) or from an approved draft
(`create_order_from_draft`, called inside the draft claim's own unit of work)."""
from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from orders.db import new_id, utcnow
from orders.domain import pricing
from orders.domain.actors import Actor
from orders.domain.roles import Permission
from orders.domain.status import QUOTES, OrderStatus
from orders.errors import InvalidInput
from orders.models import Order, OrderLine, OrderMember, OrderTag, Product
from orders.services.customers import customer_for
from orders.services.recording import notify, record
from orders.uow import UnitOfWork


@dataclass(frozen=True)
class LineRequest:
    """One line as the parser's Draft JSON has it: sku, integer quantity, chosen options."""

    sku: str
    quantity: int
    options: Sequence[Mapping[str, Any]] = ()


@dataclass
class NewOrder:
    """Everything a new order may carry besides what the catalog decides (names, prices)."""

    lines: Sequence[LineRequest]
    customer_name: str | None = None
    customer_phone: str | None = None
    address: str | None = None
    note: str | None = None
    form_data: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    date_due: datetime | None = None
    conversation_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None
    channel: str | None = None        # where the customer wrote from ("telegram", ...)
    external_id: str | None = None    # their id there (chat id, phone number id, ...)
    tags: Sequence[str] = ()
    assignees: Sequence[uuid.UUID] = ()

    @classmethod
    def from_draft_json(cls, draft: Mapping[str, Any], **extra: Any) -> NewOrder:
        """From the parser's Draft JSON (`lines`, `contact`, `note`) plus any other field."""
        contact = draft.get("contact") or {}
        lines = [LineRequest(l["sku"], int(l["quantity"]), tuple(l.get("options") or ()))
                 for l in draft.get("lines", [])]
        return cls(lines=lines, customer_name=contact.get("name"),
                   customer_phone=contact.get("phone"), address=contact.get("address"),
                   note=draft.get("note"), **extra)


async def create_order(uow: UnitOfWork, actor: Actor, new: NewOrder) -> Order:
    """A seller makes an order directly: status `pending`, stock reserved, one transaction."""
    async with uow:
        order = await place_order(uow, actor, new, status=OrderStatus.PENDING, source="manual")
        await uow.commit()
    return order


async def create_order_from_draft(uow: UnitOfWork, actor: Actor, draft_id: uuid.UUID,
                                  new: NewOrder) -> Order:
    """The order of an approved draft, status `new`, made INSIDE the caller's open unit of work.

    It does not commit: the claim commits draft, order, stock, history and outbox together.
    A second order for the same draft is impossible (`orders (shop_id, draft_id)` is unique).
    """
    if not uow.active:
        raise RuntimeError("create_order_from_draft runs inside the caller's `async with uow:`.")
    actor.require(Permission.APPROVE_DRAFT)
    return await place_order(uow, actor, new, status=OrderStatus.NEW, source="draft",
                             draft_id=draft_id, permission=Permission.APPROVE_DRAFT)


async def place_order(uow: UnitOfWork, actor: Actor, new: NewOrder, *, status: OrderStatus,
                      source: str, draft_id: uuid.UUID | None = None,
                      permission: Permission = Permission.CREATE_ORDER,
                      event: str | None = "order.created") -> Order:
    """The steps of making an order, in an open unit of work, without committing.

    A quote (`status` quote) takes no stock; `event` None tells nobody yet.
    """
    actor.require(permission)
    check_lines(new.lines)
    shop = await uow.shops.get(actor.shop_id)
    products = await uow.products.by_skus(shop.id, {line.sku for line in new.lines})
    holds_stock = status not in QUOTES
    if holds_stock:
        await reserve_stock(uow, products, new.lines)  # locks products in id order, then the counter
    number = pricing.format_order_number(await uow.shops.next_number(shop.id))
    customer = await customer_for(uow, shop.id, new)
    order = Order(
        id=new_id(), shop_id=shop.id, number=number, status=status, currency=shop.currency,
        financial_status="pending", fulfillment_status="unfulfilled", source=source,
        customer_id=customer.id if customer else new.customer_id,
        customer_name=new.customer_name, customer_phone=new.customer_phone,
        customer_contact=_contact(new), address=new.address, note=new.note,
        form_data=dict(new.form_data), metadata_=dict(new.metadata), date_due=new.date_due,
        draft_id=draft_id, conversation_id=new.conversation_id, created_by=actor.member_id,
        version=1, created_at=utcnow(), updated_at=utcnow(), deleted_at=None)
    order.lines = build_lines(order, products, new.lines, reserve=holds_stock)
    order.total = sum((line.line_total for line in order.lines), pricing.money(0))
    order.tags = [OrderTag(shop_id=shop.id, tag=t) for t in sorted({t.strip() for t in new.tags} - {""})]
    members = await uow.members.in_shop(shop.id, new.assignees)
    order.assignments = [OrderMember(shop_id=shop.id, member_id=m.id) for m in members]
    uow.orders.add(order)
    await uow.flush()  # the order row must exist before its history rows
    record(uow, order, actor, "status", None, status,
           # The draft is linked by `order.draft_id`; a seller reading history wants words.
           note="Made from the customer's message" if draft_id else "Created")
    if event:
        notify(uow, order, event)
    await uow.flush()
    return order


async def reserve_stock(uow: UnitOfWork, products: Mapping[str, Product],
                        lines: Sequence[LineRequest]) -> None:
    """Take stock for every tracked product, one conditional UPDATE each, in a fixed order."""
    wanted: dict[str, int] = defaultdict(int)
    for line in lines:
        wanted[line.sku] += line.quantity
    for product in sorted(products.values(), key=lambda p: p.id):
        await uow.products.reserve(product, wanted[product.sku])


async def reserve_order_stock(uow: UnitOfWork, order: Order) -> None:
    """A converted quote takes its stock now, all or nothing (OutOfStock names what is short)."""
    by_product: dict[uuid.UUID, list[OrderLine]] = defaultdict(list)
    for line in order.lines:
        if line.product_id is not None and not line.reserved:
            by_product[line.product_id].append(line)
    products = await uow.products.by_ids(order.shop_id, by_product)
    for product in sorted(products, key=lambda p: p.id):  # fixed lock order
        lines = by_product[product.id]
        if await uow.products.reserve(product, sum(line.quantity for line in lines)):
            for line in lines:
                line.reserved = line.quantity


def build_lines(order: Order, products: Mapping[str, Product],
                lines: Sequence[LineRequest], *, reserve: bool = True) -> list[OrderLine]:
    """Snapshot lines; `reserve` False (a quote) records no units as taken from stock."""
    built = []
    for position, line in enumerate(lines):
        product = products[line.sku]
        options = pricing.option_snapshots(product.sku, product.options, line.options)
        price = pricing.unit_price(product.price, options)
        built.append(OrderLine(
            id=new_id(), shop_id=order.shop_id, order_id=order.id, position=position,
            product_id=product.id, sku=product.sku, name=product.name, unit_price=price,
            quantity=line.quantity, options=options, line_total=pricing.line_total(price, line.quantity),
            reserved=line.quantity if reserve and product.stock is not None else 0,
            warranty_months=product.warranty_months))
    return built


def check_lines(lines: Sequence[LineRequest]) -> None:
    if not lines:
        raise InvalidInput("An order needs at least one line.")
    for line in lines:
        if not isinstance(line.quantity, int) or isinstance(line.quantity, bool) or line.quantity < 1:
            raise InvalidInput(f"The quantity of {line.sku} must be a whole number of at least 1.")


def _contact(new: NewOrder) -> dict[str, Any]:
    contact = {"name": new.customer_name, "phone": new.customer_phone, "address": new.address}
    if new.channel:
        contact |= {"channel": new.channel, "external_id": new.external_id}
    return contact
