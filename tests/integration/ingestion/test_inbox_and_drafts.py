"""Inbox and drafts on both backends: dedupe, processing, amendments, replies, edits, claim."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ingestion import inbox
from ingestion.drafts.service import approve_draft, edit_draft, expire_drafts, reject_draft
from ingestion.catalogs import CatalogCache
from ingestion.errors import DraftAlreadyDecided, DraftApprovalFailed, DraftNotFound
from ingestion.models import Draft, DraftEvent, InboxMessage
from orders.db import utcnow
from orders.errors import PermissionDenied
from orders.models import Order, OutboxMessage, Product


async def drafts(db) -> list[Draft]:
    async with db.uow() as uow:
        return list(await uow.session.scalars(select(Draft).order_by(Draft.created_at)))


async def count(db, model) -> int:
    async with db.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model))


async def outbox_kinds(db) -> list[str]:
    async with db.uow() as uow:
        return list(await uow.session.scalars(
            select(OutboxMessage.kind).order_by(OutboxMessage.created_at)))


async def test_second_delivery_of_an_event_is_stored_once(pizzeria):
    first = pizzeria.message("two large pepperoni", external_id="upd-1")
    assert await pizzeria.deliver(first) == [True]
    assert await pizzeria.deliver(first, first) == [False, False]
    assert await count(pizzeria.db, InboxMessage) == 1


async def test_order_message_becomes_a_pending_draft_with_a_card_and_a_summary(pizzeria):
    await pizzeria.say("two large pepperoni pizzas and a coke")
    [draft] = await drafts(pizzeria.db)
    assert draft.status == "pending_review"
    assert [(l["sku"], l["quantity"]) for l in draft.content["lines"]] == [
        ("PEPPERONI_PIZZA", 2), ("COKE", 1)]
    assert draft.expires_at - draft.created_at == timedelta(hours=24)
    kinds = await outbox_kinds(pizzeria.db)
    assert kinds.count("draft.created") == 1 and kinds.count("customer.draft_created") == 1
    async with pizzeria.db.uow() as uow:
        row = await uow.session.scalar(select(InboxMessage))
    assert row.status == "done" and row.result["action"] == "created"


async def test_answer_to_a_clarification_amends_the_same_draft(pizzeria):
    await pizzeria.say("a pizza with ham")
    [draft] = await drafts(pizzeria.db)
    assert draft.content["clarifications"]
    await pizzeria.say("large")
    await pizzeria.say("and add a coke")
    [draft] = await drafts(pizzeria.db)
    lines = draft.content["lines"]
    assert [l["sku"] for l in lines] == ["PIZZA", "COKE"]
    assert {"group": "size", "code": "LARGE"} in lines[0]["options"]
    assert draft.content["clarifications"] == []
    async with pizzeria.db.uow() as uow:
        kinds = list(await uow.session.scalars(select(DraftEvent.kind).order_by(DraftEvent.created_at)))
    assert kinds == ["created", "amended", "amended"]


async def test_a_greeting_is_answered_and_makes_no_draft(pizzeria):
    await pizzeria.say("hi there!")
    assert await drafts(pizzeria.db) == []
    async with pizzeria.db.uow() as uow:
        reply = await uow.session.scalar(select(OutboxMessage))
    assert reply.kind == "customer.reply" and reply.payload["intent"] == "greeting"
    assert reply.recipient == "cust-1" and reply.channel == "telegram"


async def test_thanks_while_a_draft_is_pending_does_not_touch_it(pizzeria):
    await pizzeria.say("two large pepperoni pizzas")
    [before] = await drafts(pizzeria.db)
    await pizzeria.say("thanks!")
    [after] = await drafts(pizzeria.db)
    assert after.version == before.version and after.content == before.content


async def test_status_question_answers_with_the_latest_order(pizzeria):
    await pizzeria.say("two large pepperoni pizzas")
    [draft] = await drafts(pizzeria.db)
    await approve_draft(pizzeria.db.uow(), pizzeria.dana, draft.id)
    await pizzeria.say("where is my order?")
    async with pizzeria.db.uow() as uow:
        reply = await uow.session.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == "customer.reply"))
    assert reply.payload["intent"] == "status_question"
    assert reply.payload["order_number"] == "ORD-00001" and reply.payload["status"] == "new"


async def test_unsupported_message_is_recorded_and_the_customer_told(pizzeria):
    await pizzeria.deliver(pizzeria.message("", kind="sticker"))
    await pizzeria.worker().drain()
    async with pizzeria.db.uow() as uow:
        row = await uow.session.scalar(select(InboxMessage))
        reply = await uow.session.scalar(select(OutboxMessage))
    assert row.status == "done" and row.result["action"] == "unsupported"
    assert reply.payload["intent"] == "unsupported"
    assert await drafts(pizzeria.db) == []


async def test_cart_is_an_exact_draft(pizzeria):
    items = [{"product_retailer_id": "COKE", "quantity": 3, "item_price": "2.50", "currency": "USD"}]
    await pizzeria.deliver(pizzeria.message("", kind="cart", items=items))
    await pizzeria.worker().drain()
    [draft] = await drafts(pizzeria.db)
    assert draft.source == "cart" and draft.confidence == 1.0
    assert draft.content["lines"][0]["quantity"] == 3


async def test_approval_makes_one_order_linked_both_ways(pizzeria):
    await pizzeria.say("two large pepperoni pizzas")
    [draft] = await drafts(pizzeria.db)
    approval = await approve_draft(pizzeria.db.uow(), pizzeria.dana, draft.id)
    assert approval.order.number == "ORD-00001" and approval.order.draft_id == draft.id
    [draft] = await drafts(pizzeria.db)
    assert (draft.status, draft.order_number, draft.decided_by_name) == ("approved", "ORD-00001", "Dana")


async def test_second_approval_gets_already_approved_by(pizzeria):
    await pizzeria.say("two large pepperoni pizzas")
    [draft] = await drafts(pizzeria.db)
    await approve_draft(pizzeria.db.uow(), pizzeria.dana, draft.id)
    with pytest.raises(DraftAlreadyDecided) as err:
        await approve_draft(pizzeria.db.uow(), pizzeria.dana, draft.id)
    assert str(err.value).startswith("Already approved by Dana at ")
    assert str(err.value).endswith(" as ORD-00001.")
    with pytest.raises(DraftAlreadyDecided):
        await reject_draft(pizzeria.db.uow(), pizzeria.dana, draft.id, "too late")
    assert await count(pizzeria.db, Order) == 1


async def test_reject_keeps_the_reason_and_refuses_a_later_approval(pizzeria):
    await pizzeria.say("two large pepperoni pizzas")
    [draft] = await drafts(pizzeria.db)
    await reject_draft(pizzeria.db.uow(), pizzeria.dana, draft.id, "we are closed today")
    with pytest.raises(DraftAlreadyDecided) as err:
        await approve_draft(pizzeria.db.uow(), pizzeria.dana, draft.id)
    assert "rejected by Dana" in str(err.value) and "we are closed today" in str(err.value)
    [draft] = await drafts(pizzeria.db)
    assert draft.reason == "we are closed today"
    assert await count(pizzeria.db, Order) == 0


async def test_out_of_stock_approval_rolls_back_and_leaves_the_reason(make_pizzeria):
    shop = await make_pizzeria(stock={"COKE": 1})
    await shop.say("three cokes")
    [draft] = await drafts(shop.db)
    with pytest.raises(DraftApprovalFailed) as err:
        await approve_draft(shop.db.uow(), shop.dana, draft.id)
    assert "only 1 left" in str(err.value).lower()
    [draft] = await drafts(shop.db)
    assert draft.status == "pending_review" and "only 1" in draft.last_error.lower()
    assert await count(shop.db, Order) == 0
    async with shop.db.uow() as uow:
        coke = await uow.session.scalar(select(Product).where(Product.sku == "COKE"))
    assert coke.stock == 1


async def test_viewer_cannot_approve_and_nothing_changes(pizzeria):
    await pizzeria.say("two large pepperoni pizzas")
    [draft] = await drafts(pizzeria.db)
    with pytest.raises(PermissionDenied):
        await approve_draft(pizzeria.db.uow(), pizzeria.viewer, draft.id)
    [draft] = await drafts(pizzeria.db)
    assert draft.status == "pending_review"


async def test_seller_of_another_shop_cannot_approve(pizzeria, make_pizzeria):
    other = await make_pizzeria()
    await pizzeria.say("two large pepperoni pizzas")
    [draft] = await drafts(pizzeria.db)
    with pytest.raises(DraftNotFound):
        await approve_draft(pizzeria.db.uow(), other.dana, draft.id)
    with pytest.raises(DraftNotFound):
        await reject_draft(pizzeria.db.uow(), other.dana, draft.id)
    [draft] = await drafts(pizzeria.db)
    assert draft.status == "pending_review" and await count(pizzeria.db, Order) == 0


async def test_seller_edit_recomputes_confidence_and_is_recorded(pizzeria):
    await pizzeria.say("two pizzas with ham")
    [draft] = await drafts(pizzeria.db)
    assert draft.confidence < 0.9  # the size is missing
    edited = await edit_draft(pizzeria.db.uow(), pizzeria.dana, draft.id, [
        {"op": "set_option", "line": 0, "group": "size", "code": "LARGE"},
        {"op": "set_quantity", "line": 0, "quantity": 3},
        {"op": "set_contact", "address": "12 Elm St"}], CatalogCache())
    line = edited.content["lines"][0]
    assert line["quantity"] == 3 and {"group": "size", "code": "LARGE"} in line["options"]
    assert edited.confidence == 1.0 and edited.content["contact"]["address"] == "12 Elm St"
    async with pizzeria.db.uow() as uow:
        event = await uow.session.scalar(select(DraftEvent).where(DraftEvent.kind == "edited"))
    assert event.actor_name == "Dana" and event.data["confidence_after"] == 1.0
    approval = await approve_draft(pizzeria.db.uow(), pizzeria.dana, draft.id)
    assert approval.order.lines[0].quantity == 3 and approval.order.address == "12 Elm St"


async def test_auto_approve_at_the_shop_threshold(make_pizzeria):
    shop = await make_pizzeria(settings={"auto_approve_threshold": 0.9})
    await shop.say("two large pepperoni pizzas and a coke")
    await shop.say("a pizza", sender="cust-2")  # unsure: stays for a seller
    by_sender = {d.chat_id: d for d in await drafts(shop.db)}
    assert by_sender["cust-1"].status == "approved" and by_sender["cust-1"].decided_by is None
    assert by_sender["cust-1"].decided_by_name == "system"
    assert by_sender["cust-2"].status == "pending_review"
    assert await count(shop.db, Order) == 1


async def test_auto_approve_on_uses_the_parsers_calibrated_default_threshold(make_pizzeria):
    shop = await make_pizzeria(settings={"auto_approve": True})
    await shop.say("two large pepperoni pizzas and a coke")
    await shop.say("a pizza", sender="cust-2")
    by_sender = {d.chat_id: d.status for d in await drafts(shop.db)}
    assert by_sender == {"cust-1": "approved", "cust-2": "pending_review"}


async def test_expiry_sweep_closes_old_drafts_with_a_reason(make_pizzeria):
    shop = await make_pizzeria(settings={"draft_expiry_hours": 2})
    await shop.say("two large pepperoni pizzas")
    assert await expire_drafts(shop.db.uow(), utcnow() + timedelta(hours=1)) == 0
    assert await expire_drafts(shop.db.uow(), utcnow() + timedelta(hours=3)) == 1
    [draft] = await drafts(shop.db)
    assert draft.status == "expired" and draft.reason.startswith("expired")
    with pytest.raises(DraftAlreadyDecided):
        await approve_draft(shop.db.uow(), shop.dana, draft.id)


async def test_failing_row_is_retried_then_dead_with_its_error(pizzeria, monkeypatch):
    import ingestion.worker as worker_module

    async def broken(uow, row, catalogs):
        raise RuntimeError("catalog service exploded")

    monkeypatch.setattr(worker_module, "process_row", broken)
    await pizzeria.deliver(pizzeria.message("two pizzas"))
    worker = pizzeria.worker(max_attempts=3)
    for attempt in range(1, 4):
        async with pizzeria.db.uow() as uow:
            [row] = await inbox.claim(uow.session, worker.name, limit=5, lease=worker.lease,
                                      now=utcnow() + timedelta(hours=attempt))
            await uow.commit()
        await worker.process(row)
        async with pizzeria.db.uow() as uow:
            row = await uow.session.scalar(select(InboxMessage))
        assert row.attempts == attempt
        assert row.status == ("dead" if attempt == 3 else "pending")
        assert "catalog service exploded" in row.last_error
    assert await drafts(pizzeria.db) == []


async def test_running_worker_sweeps_expired_drafts(make_pizzeria):
    shop = await make_pizzeria(settings={"draft_expiry_hours": 0.0001})  # expires in 0.36 s
    await shop.say("two large pepperoni pizzas")
    worker = shop.worker(sweep_every=0.05)
    task = asyncio.create_task(worker.run())
    try:
        for _ in range(100):
            await asyncio.sleep(0.05)
            if (await drafts(shop.db))[0].status == "expired":
                break
    finally:
        await worker.stop()
        await task
    [draft] = await drafts(shop.db)
    assert draft.status == "expired"


async def test_running_worker_survives_a_failing_claim_and_goes_on(pizzeria, monkeypatch):
    import ingestion.worker as worker_module

    real, calls = worker_module.inbox.claim, []

    async def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) <= 2:
            raise ConnectionError("database is down")
        return await real(*args, **kwargs)

    monkeypatch.setattr(worker_module.inbox, "claim", flaky)
    monkeypatch.setattr(worker_module.inbox, "backoff", lambda attempt: timedelta(seconds=0.01))
    await pizzeria.deliver(pizzeria.message("two large pepperoni pizzas"))
    worker = pizzeria.worker()
    task = asyncio.create_task(worker.run())
    try:
        for _ in range(100):
            await asyncio.sleep(0.05)
            if await drafts(pizzeria.db):
                break
    finally:
        await worker.stop()
        await task
    assert len(await drafts(pizzeria.db)) == 1 and len(calls) >= 3


async def test_a_button_tap_is_not_answered_as_an_unsupported_message(pizzeria):
    await pizzeria.deliver(pizzeria.message("", kind="callback", data="a:xyz:sig"))
    await pizzeria.worker().drain()
    async with pizzeria.db.uow() as uow:
        row = await uow.session.scalar(select(InboxMessage))
        replies = await uow.session.scalar(select(func.count()).select_from(OutboxMessage))
    assert row.status == "done" and row.result["action"] == "seller_action"
    assert replies == 0 and await drafts(pizzeria.db) == []
