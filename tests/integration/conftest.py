"""Fixtures for tests that need a database of their own (migrations: a downgrade drops tables)."""
from __future__ import annotations

import os
import uuid

import pytest


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def empty_url(request, tmp_path):
    """A brand-new empty database (not the shared test one: downgrade drops every table)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
        return
    import asyncpg
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        request.getfixturevalue("pg_database")  # skips (or fails under CI) like the others
    name = f"orderbot_mig_{uuid.uuid4().hex[:8]}"
    admin = base.replace("+asyncpg", "").rsplit("/", 1)[0] + "/postgres"
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()
