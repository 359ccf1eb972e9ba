"""The inbox's group commit: concurrent callers share one transaction and one commit, each
learns which of its messages were new, an unreachable database fails every waiter of the round
(so each request answers 503), a refused message fails only its own caller, and redeliveries
are still stored once."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from ingestion import inbox
from ingestion.group_commit import GroupCommitter
from ingestion.models import InboxMessage


@pytest.fixture
async def make_committer(pizzeria):
    """GroupCommitters on the test database, closed at the end (their flushers linger)."""
    made: list[GroupCommitter] = []

    def make(**options) -> GroupCommitter:
        made.append(GroupCommitter(pizzeria.db.session_factory, **options))
        return made[-1]
    yield make
    for committer in made:
        await committer.close()


async def inbox_ids(db) -> list[str]:
    async with db.uow() as uow:
        return sorted(await uow.session.scalars(select(InboxMessage.external_id)))


async def test_concurrent_callers_share_one_commit(pizzeria, make_committer):
    committer = make_committer()
    messages = [pizzeria.message(f"a pizza {i}", external_id=f"gc-{i}") for i in range(20)]

    results = await asyncio.gather(*(committer.store([m]) for m in messages))

    assert results == [[True]] * 20
    assert committer.commits == 1
    assert await inbox_ids(pizzeria.db) == sorted(f"gc-{i}" for i in range(20))


async def test_each_caller_gets_its_own_flags_and_duplicates_are_stored_once(
        pizzeria, make_committer):
    committer = make_committer()
    await committer.store([pizzeria.message("a coke", external_id="old")])
    old, new = (pizzeria.message("a coke", external_id=e) for e in ("old", "new"))

    # a redelivery of a stored event, and the same new event posted twice in one round
    results = await asyncio.gather(committer.store([old, new]), committer.store([new]),
                                   committer.store([pizzeria.message("x", external_id="n2")]))

    assert results == [[False, True], [False], [True]]
    assert await inbox_ids(pizzeria.db) == ["n2", "new", "old"]


async def test_a_failed_round_fails_every_waiter_and_stores_nothing(
        pizzeria, monkeypatch, make_committer):
    async def store(session, incoming):
        raise OperationalError("INSERT INTO inbox ...", {}, ConnectionRefusedError("gone"))
    monkeypatch.setattr(inbox, "store", store)
    committer = make_committer()

    results = await asyncio.gather(
        *(committer.store([pizzeria.message("a pizza", external_id=f"f-{i}")]) for i in range(5)),
        return_exceptions=True)

    assert all(isinstance(r, OperationalError) for r in results), results
    assert committer.commits == 0
    assert await inbox_ids(pizzeria.db) == []


async def test_callers_during_a_commit_go_into_the_next_round(pizzeria, make_committer):
    committer = make_committer()
    first = asyncio.create_task(committer.store([pizzeria.message("a", external_id="r1")]))
    await asyncio.sleep(0)  # the first round has started
    later = [committer.store([pizzeria.message("b", external_id=f"r2-{i}")]) for i in range(10)]

    assert await asyncio.gather(first, *later) == [[True]] * 11
    assert committer.commits == 2
    await committer.close()


async def test_a_message_the_database_refuses_fails_only_its_own_caller(
        pizzeria, monkeypatch, make_committer):
    real_store = inbox.store

    async def store(session, incoming):
        if any(m.external_id == "poison" for m in incoming):
            raise ValueError("the database refuses this message")
        return await real_store(session, incoming)
    monkeypatch.setattr(inbox, "store", store)
    committer = make_committer()

    results = await asyncio.gather(
        *(committer.store([pizzeria.message("a", external_id=e)]) for e in ("ok-1", "poison", "ok-2")),
        return_exceptions=True)

    assert results[0] == [True] and results[2] == [True]
    assert isinstance(results[1], ValueError)
    assert await inbox_ids(pizzeria.db) == ["ok-1", "ok-2"]


@pytest.mark.parametrize("max_batch", [3])
async def test_a_round_is_bounded_by_max_batch(pizzeria, max_batch, make_committer):
    committer = make_committer(max_batch=max_batch)
    await asyncio.gather(*(committer.store([pizzeria.message("a", external_id=f"b-{i}")])
                           for i in range(9)))
    assert committer.commits == 3
    async with pizzeria.db.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(InboxMessage)) == 9


async def test_text_is_stored_as_sent_and_only_nul_characters_are_dropped(pizzeria, make_committer):
    """PostgreSQL's jsonb refuses NUL; a backslash followed by "u0000" is ordinary text and
    must come back unchanged, as must non-ASCII text."""
    committer = make_committer()
    texts = {"nul": "two\x00 pizzas", "escape": "C:\\u0000\\pizza", "accents": "dos pizzas, ñam 🍕"}
    await asyncio.gather(*(committer.store([pizzeria.message(t, external_id=k)])
                           for k, t in texts.items()))

    async with pizzeria.db.uow() as uow:
        stored = {row.external_id: row.message["text"]
                  for row in await uow.session.scalars(select(InboxMessage))}
    assert stored == {"nul": "two pizzas", "escape": "C:\\u0000\\pizza",
                      "accents": "dos pizzas, ñam 🍕"}


async def test_an_idle_flusher_keeps_its_connection_for_later_callers_then_lets_go(
        pizzeria, make_committer):
    committer = make_committer(linger=5.0)
    assert await committer.store([pizzeria.message("a", external_id="l-1")]) == [True]
    await asyncio.sleep(0.05)
    [flusher] = committer._flushers  # waiting for more, connection in hand

    assert await committer.store([pizzeria.message("b", external_id="l-2")]) == [True]
    assert committer._flushers == {flusher} and committer.commits == 2

    started = asyncio.get_running_loop().time()
    await committer.close()  # does not sit out the linger
    assert asyncio.get_running_loop().time() - started < 1.0
    assert not committer._flushers
    assert await inbox_ids(pizzeria.db) == ["l-1", "l-2"]


async def test_flushers_end_after_the_linger_and_new_callers_start_one_again(
        pizzeria, make_committer):
    committer = make_committer(linger=0.05)
    await asyncio.gather(*(committer.store([pizzeria.message("a", external_id=f"e-{i}")])
                           for i in range(5)))
    await asyncio.sleep(0.3)
    assert not committer._flushers
    assert await committer.store([pizzeria.message("b", external_id="e-late")]) == [True]
