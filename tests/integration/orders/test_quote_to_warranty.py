"""The whole quote flow of seed 002 on both databases, with an injected clock for the sweeps:
quote -> claim code -> claim (a second claimant refused) -> accept -> convert -> request payment
-> pay -> ship with tracking -> change tracking -> deliver -> confirm received -> completed ->
invoice INV-00001 with its PDF -> warranty started -> one reminder, at the right time."""
from __future__ import annotations

import re
import uuid
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from orders.db import new_id
from orders.errors import AlreadyClaimed, ClaimCodeNotFound, OrderNotFound
from orders.models import Customer, CustomerIdentity, OutboxMessage, Product, Warranty
from orders.services import (accept_quote, attach_documents, claim_quote, confirm_received,
                             create_quote, invoice_document, order_history, record_payment,
                             request_payment, run_sweeps, set_tracking, ship_order,
                             transition_order, update_shop_settings, warranties_of)
from orders.services.creation import LineRequest, NewOrder


async def a_customer(db, shop, chat_id: str, name: str) -> uuid.UUID:
    async with db.uow() as uow:
        customer = Customer(id=new_id(), shop_id=shop.id, name=name)
        uow.session.add(customer)
        await uow.flush()
        uow.session.add(CustomerIdentity(id=new_id(), shop_id=shop.id, customer_id=customer.id,
                                         channel="telegram", external_id=chat_id))
        await uow.commit()
    return customer.id


async def outbox(db, shop, kind: str) -> list[OutboxMessage]:
    async with db.uow() as uow:
        return [m for m in await uow.outbox.pending(shop.id) if m.kind == kind]


async def stock(db) -> int:
    async with db.uow() as uow:
        return await uow.session.scalar(select(Product.stock).where(Product.sku == "OVEN"))


def pdf_text(content: bytes) -> bytes:
    """The decompressed page streams of a PDF (fpdf2 deflates them)."""
    text = b""
    for match in re.finditer(rb"stream\r?\n", content):
        try:
            text += zlib.decompressobj().decompress(content[match.end():])
        except zlib.error:
            pass
    return text


@pytest.fixture
async def shop(make):
    shop = await make.shop("ovens", name="Oven Works")
    await make.product(shop, "OVEN", name="pizza oven", price="500.00", stock=3)
    async with make.db.uow() as uow:
        oven = await uow.session.scalar(select(Product).where(Product.shop_id == shop.id))
        oven.warranty_months = 12
        await uow.commit()
    return shop


async def test_quote_is_claimed_accepted_paid_shipped_completed_invoiced_and_reminded(db, make, shop):
    admin = await make.member(shop, "admin")
    await update_shop_settings(db.uow(), admin, payment_instructions="IBAN XX00 1234",
                               auto_complete_days=7)
    ana = await a_customer(db, shop, "5001", "Ana")
    bob = await a_customer(db, shop, "5002", "Bob")

    # a seller composes a quote for nobody yet: a claim code, no stock taken
    quote = await create_quote(db.uow(), admin, NewOrder(lines=[LineRequest("OVEN", 1)]))
    assert quote.status == "quote" and re.fullmatch(r"\d{3}-\d{4}-\d{3}", quote.claim_code)
    assert await stock(db) == 3
    n = quote.number

    # Ana types the code her own way; Bob comes second and is refused
    claimed = await claim_quote(db.uow(), shop.id, quote.claim_code.replace("-", " "), ana)
    assert (claimed.status, claimed.customer_id, claimed.claim_code) == ("claimed", ana, None)
    assert claimed.customer_contact["external_id"] == "5001"
    with pytest.raises(AlreadyClaimed, match="already claimed by another customer"):
        await claim_quote(db.uow(), shop.id, quote.claim_code, bob)
    assert (await claim_quote(db.uow(), shop.id, quote.claim_code, ana)).number == n
    with pytest.raises(ClaimCodeNotFound):
        await claim_quote(db.uow(), shop.id, "000-0000-000", bob)
    assert [m.recipient for m in await outbox(db, shop, "order.quote_claimed")] == ["5001"]

    # Bob cannot accept Ana's quote; Ana accepts: a note, no status change, the sellers told
    with pytest.raises(OrderNotFound):
        await accept_quote(db.uow(), shop.id, bob, n)
    accepted = await accept_quote(db.uow(), shop.id, ana, n)
    assert accepted.status == "claimed"
    notes = [h.note for h in await order_history(db.uow(), admin, n) if h.axis == "note"]
    assert notes == ["customer accepted the quote"]
    told = await outbox(db, shop, "order.quote_accepted")
    assert [(m.recipient, m.payload["order_number"]) for m in told] == [("sellers", n)]

    # the seller converts: stock is taken now
    await transition_order(db.uow(), admin, n, "confirmed")
    assert await stock(db) == 2

    # payment asked for, with the amount and the shop's instructions; then paid
    asked = await request_payment(db.uow(), admin, n)
    assert asked.financial_status == "awaiting_payment"
    [notice] = await outbox(db, shop, "order.payment_requested")
    assert (notice.recipient, notice.payload["amount_due"],
            notice.payload["payment_instructions"]) == ("5001", "500.00", "IBAN XX00 1234")
    paid = await record_payment(db.uow(), admin, n, "500.00")
    assert paid.financial_status == "paid" and paid.payment_requested_at is None

    # packed, shipped with tracking, then the tracking number changes
    await attach_documents(db.uow(), admin, n, invoice_url="https://i/1", label_url="https://l/1")
    await transition_order(db.uow(), admin, n, "packed")
    await ship_order(db.uow(), admin, n, "DHL", "JD0001")
    shipped = [m for m in await outbox(db, shop, "order.status_changed")
               if m.payload["status"] == "shipped"]
    assert [(m.payload["carrier"], m.payload["tracking_number"]) for m in shipped] == [("DHL", "JD0001")]
    await set_tracking(db.uow(), admin, n, "DHL", "JD0002")
    await set_tracking(db.uow(), admin, n, "DHL", "JD0002")  # the same again: nobody is told
    changed = await outbox(db, shop, "order.tracking_changed")
    assert [m.payload["tracking_number"] for m in changed] == ["JD0002"]

    # delivered; Ana confirms receipt: completed, invoice INV-00001, warranty started
    await transition_order(db.uow(), admin, n, "delivered")
    done = await confirm_received(db.uow(), shop.id, ana, n)
    assert (done.status, done.invoice_number) == ("completed", "INV-00001")
    [invoice_notice] = await outbox(db, shop, "order.invoice_issued")
    assert invoice_notice.recipient == "5001"
    assert invoice_notice.payload["filename"] == "INV-00001.pdf"
    document = await invoice_document(db.uow(), shop.id,
                                      uuid.UUID(invoice_notice.payload["invoice_id"]))
    assert document.content.startswith(b"%PDF")
    body = pdf_text(document.content)
    for words in (b"INV-00001", b"Oven Works", b"Ana", b"pizza oven", b"500.00 USD"):
        assert words in body, words

    [warranty] = await warranties_of(db.uow(), shop.id, done.id)
    assert warranty.months == 12 and warranty.starts_at == done.completed_at
    assert warranty.ends_at.year == done.completed_at.year + 1

    # the reminder: not 31 days before the end, once at 30 days, never again
    early = await run_sweeps(db.uow, now=warranty.ends_at - timedelta(days=31))
    assert early == {"completed": 0, "warranty_reminders": 0}
    due = await run_sweeps(db.uow, now=warranty.ends_at - timedelta(days=30))
    again = await run_sweeps(db.uow(), now=warranty.ends_at - timedelta(days=29))
    assert (due["warranty_reminders"], again["warranty_reminders"]) == (1, 0)
    [reminder] = await outbox(db, shop, "order.warranty_expiring")
    assert (reminder.recipient, reminder.payload["sku"]) == ("5001", "OVEN")
    assert reminder.payload["ends_at"] == warranty.ends_at.isoformat()


async def test_delivered_order_completes_itself_after_the_shops_days(db, make, shop):
    admin = await make.member(shop, "admin")
    await update_shop_settings(db.uow(), admin, auto_complete_days=3)
    order = await make.order(admin, [("OVEN", 1)])
    await transition_order(db.uow(), admin, order.number, "confirmed")
    await attach_documents(db.uow(), admin, order.number, invoice_url="i", label_url="l")
    for target in ("packed", "shipped", "delivered"):
        order = await transition_order(db.uow(), admin, order.number, target)
    delivered_at = order.auto_complete_at - timedelta(days=3)

    before = await run_sweeps(db.uow, now=delivered_at + timedelta(days=2, hours=23))
    after = await run_sweeps(db.uow, now=delivered_at + timedelta(days=3))
    later = await run_sweeps(db.uow, now=delivered_at + timedelta(days=4))

    assert [r["completed"] for r in (before, after, later)] == [0, 1, 0]
    rows = await order_history(db.uow(), admin, order.number)
    last = [r for r in rows if r.axis == "status"][-1]
    assert (last.to_value, last.actor_id) == ("completed", None)
    assert "automatically" in last.note
    async with db.uow() as uow:
        [warranty] = list(await uow.session.scalars(select(Warranty)))
    assert warranty.starts_at == delivered_at + timedelta(days=3)  # the sweep's clock, not ours


async def test_a_shop_without_auto_completion_waits_for_the_customer(db, make, shop):
    admin = await make.member(shop, "admin")
    await update_shop_settings(db.uow(), admin, auto_complete_days=None)
    order = await make.order(admin, [("OVEN", 1)])
    await transition_order(db.uow(), admin, order.number, "confirmed")
    await attach_documents(db.uow(), admin, order.number, invoice_url="i", label_url="l")
    for target in ("packed", "shipped", "delivered"):
        order = await transition_order(db.uow(), admin, order.number, target)

    result = await run_sweeps(db.uow, now=datetime.now(UTC) + timedelta(days=400))

    assert result["completed"] == 0 and order.auto_complete_at is None
