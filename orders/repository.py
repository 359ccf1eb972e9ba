"""Repositories: the only place that knows SQL. Every method takes the shop it is scoped to."""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from orders.db import utcnow
from orders.errors import OrderNotFound, OutOfStock, ProductNotFound, ShopNotFound
from orders.models import (Customer, CustomerIdentity, Member, Order, OrderHistory, OutboxMessage,
                           Product, Shop, ShopCounter)


class ShopRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, shop_id: uuid.UUID) -> Shop:
        shop = await self.session.get(Shop, shop_id)
        if shop is None:
            raise ShopNotFound(shop_id)
        return shop

    async def by_slug(self, slug: str) -> Shop:
        shop = await self.session.scalar(select(Shop).where(Shop.slug == slug))
        if shop is None:
            raise ShopNotFound(slug)
        return shop

    async def next_number(self, shop_id: uuid.UUID, counter: str = "order") -> int:
        """Bump the shop's counter row and return the new value; concurrent callers queue on the
        row lock, and a rolled-back transaction gives its number back."""
        bump = (update(ShopCounter)
                .where(ShopCounter.shop_id == shop_id, ShopCounter.name == counter)
                .values(value=ShopCounter.value + 1).returning(ShopCounter.value)
                .execution_options(synchronize_session=False))
        value = await self.session.scalar(bump)
        if value is None:
            insert = pg_insert if self.session.bind.dialect.name == "postgresql" else sqlite_insert
            await self.session.execute(insert(ShopCounter).values(
                shop_id=shop_id, name=counter, value=0).on_conflict_do_nothing())
            value = await self.session.scalar(bump)
        return int(value)


class MemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, shop_id: uuid.UUID, member_id: uuid.UUID) -> Member | None:
        return await self.session.get(Member, (shop_id, member_id))

    async def by_token_hash(self, shop_id: uuid.UUID, token_hash: str) -> Member | None:
        return await self.session.scalar(select(Member).where(
            Member.shop_id == shop_id, Member.token_hash == token_hash,
            Member.deactivated_at.is_(None)))

    async def in_shop(self, shop_id: uuid.UUID, ids: Iterable[uuid.UUID]) -> list[Member]:
        ids = list(ids)
        if not ids:
            return []
        return list(await self.session.scalars(select(Member).where(
            Member.shop_id == shop_id, Member.id.in_(ids))))


class ProductRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_skus(self, shop_id: uuid.UUID, skus: Iterable[str]) -> dict[str, Product]:
        skus = set(skus)
        rows = await self.session.scalars(select(Product).where(
            Product.shop_id == shop_id, Product.sku.in_(skus)))
        found = {p.sku: p for p in rows}
        missing = sorted(skus - found.keys())
        if missing:
            raise ProductNotFound(", ".join(missing))
        return found

    async def by_ids(self, shop_id: uuid.UUID, ids: Iterable[uuid.UUID]) -> list[Product]:
        ids = list(ids)
        if not ids:
            return []
        return list(await self.session.scalars(select(Product).where(
            Product.shop_id == shop_id, Product.id.in_(ids))))

    async def all(self, shop_id: uuid.UUID) -> list[Product]:
        return list(await self.session.scalars(
            select(Product).where(Product.shop_id == shop_id).order_by(Product.sku)))

    async def reserve(self, product: Product, quantity: int) -> int:
        """Take `quantity` from stock if there is that much (conditional UPDATE, never below 0).

        Returns the units actually taken: `quantity`, or 0 when stock is not tracked.
        """
        stmt = (update(Product)
                .where(Product.shop_id == product.shop_id, Product.id == product.id,
                       (Product.stock.is_(None)) | (Product.stock >= quantity))
                .values(stock=Product.stock - quantity, updated_at=utcnow())
                .returning(Product.stock)
                .execution_options(synchronize_session=False))
        result = (await self.session.execute(stmt)).first()
        if result is None:
            left = await self.session.scalar(select(Product.stock).where(
                Product.shop_id == product.shop_id, Product.id == product.id))
            raise OutOfStock(product.sku, product.name, int(left or 0), quantity)
        set_committed_value(product, "stock", result[0])
        return 0 if result[0] is None else quantity

    async def restore(self, shop_id: uuid.UUID, product_id: uuid.UUID, quantity: int) -> None:
        await self.session.execute(
            update(Product)
            .where(Product.shop_id == shop_id, Product.id == product_id, Product.stock.is_not(None))
            .values(stock=Product.stock + quantity, updated_at=utcnow())
            .execution_options(synchronize_session="fetch"))


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, order: Order) -> None:
        self.session.add(order)

    async def get(self, shop_id: uuid.UUID, number: str, *, lock: bool = False,
                  include_deleted: bool = False) -> Order:
        """The order `number` of this shop; `lock` takes its row lock (FOR UPDATE) first."""
        stmt = select(Order).where(Order.shop_id == shop_id, Order.number == number)
        if not include_deleted:
            stmt = stmt.where(Order.deleted_at.is_(None))
        if lock:
            stmt = stmt.with_for_update(of=Order)
        order = await self.session.scalar(stmt.execution_options(populate_existing=lock))
        if order is None:
            raise OrderNotFound(number)
        return order

    async def by_id(self, shop_id: uuid.UUID, order_id: uuid.UUID, *, lock: bool = False) -> Order:
        stmt = select(Order).where(Order.shop_id == shop_id, Order.id == order_id,
                                   Order.deleted_at.is_(None))
        if lock:
            stmt = stmt.with_for_update(of=Order)
        order = await self.session.scalar(stmt.execution_options(populate_existing=lock))
        if order is None:
            raise OrderNotFound(order_id)
        return order

    async def by_draft(self, shop_id: uuid.UUID, draft_id: uuid.UUID) -> Order | None:
        return await self.session.scalar(select(Order).where(
            Order.shop_id == shop_id, Order.draft_id == draft_id))


def customer_by_identity(shop_id: uuid.UUID, channel: str, external_id: str) -> Select:
    """The identity by its unique key, then the customer by its primary key: two index lookups
    whatever the planner believes. As a join, a plan made while the tables were small (a
    prepared statement's generic plan, or no ANALYZE yet) walked every customer of the shop for
    each message: 23 ms per message at 10,000 customers, and growing
    (tests/integration/orders/test_lookup_plans.py)."""
    customer_id = (select(CustomerIdentity.customer_id)
                   .where(CustomerIdentity.shop_id == shop_id, CustomerIdentity.channel == channel,
                          CustomerIdentity.external_id == external_id).scalar_subquery())
    return select(Customer).where(Customer.shop_id == shop_id, Customer.id == customer_id)


class CustomerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, shop_id: uuid.UUID, customer_id: uuid.UUID) -> Customer | None:
        return await self.session.get(Customer, (shop_id, customer_id))

    async def by_identity(self, shop_id: uuid.UUID, channel: str, external_id: str) -> Customer | None:
        return await self.session.scalar(customer_by_identity(shop_id, channel, external_id))

    async def add(self, customer: Customer, identity: CustomerIdentity | None = None) -> Customer:
        """Insert a customer (with its channel identity). If another transaction just made the
        same identity, that customer is returned instead (a savepoint absorbs the clash)."""
        try:
            async with self.session.begin_nested():
                self.session.add(customer)
                await self.session.flush()
                if identity is not None:
                    identity.shop_id, identity.customer_id = customer.shop_id, customer.id
                    self.session.add(identity)
                    await self.session.flush()
        except IntegrityError:
            if identity is None:
                raise
            existing = await self.by_identity(customer.shop_id, identity.channel, identity.external_id)
            if existing is None:
                raise
            return existing
        return customer


class HistoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, order: Order, axis: str, from_value: Any, to_value: Any, *,
            actor_id: uuid.UUID | None, note: str | None = None) -> OrderHistory:
        row = OrderHistory(shop_id=order.shop_id, order_id=order.id, axis=axis,
                           from_value=None if from_value is None else str(from_value),
                           to_value=None if to_value is None else str(to_value),
                           note=note, actor_id=actor_id, created_at=utcnow())
        self.session.add(row)
        return row

    async def for_order(self, order: Order) -> list[OrderHistory]:
        return list(await self.session.scalars(
            select(OrderHistory).where(OrderHistory.shop_id == order.shop_id,
                                       OrderHistory.order_id == order.id)
            .order_by(OrderHistory.created_at, OrderHistory.id)))


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, shop_id: uuid.UUID, kind: str, recipient: str, payload: dict[str, Any], *,
            idempotency_key: str, channel: str | None = None) -> OutboxMessage:
        row = OutboxMessage(shop_id=shop_id, kind=kind, channel=channel, recipient=recipient,
                            payload=payload, idempotency_key=idempotency_key, status="pending",
                            attempts=0, next_attempt_at=utcnow())
        self.session.add(row)
        return row

    async def pending(self, shop_id: uuid.UUID | None = None) -> list[OutboxMessage]:
        stmt = select(OutboxMessage).where(OutboxMessage.status == "pending")
        if shop_id is not None:
            stmt = stmt.where(OutboxMessage.shop_id == shop_id)
        return list(await self.session.scalars(stmt.order_by(OutboxMessage.created_at)))
