"""inbox: a partial index on pending button taps, so the worker claims them before a backlog

Revision ID: 0007_inbox_taps_first
Revises: 0006_order_flows
Create Date: 2026-11-23 23:45:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007_inbox_taps_first'
down_revision = '0006_order_flows'
branch_labels = None
depends_on = None

PENDING_TAPS = "kind = 'callback' AND status = 'pending'"


def upgrade() -> None:
    op.create_index('ix_inbox_pending_taps', 'inbox', ['next_attempt_at'], unique=False,
                    postgresql_where=sa.text(PENDING_TAPS), sqlite_where=sa.text(PENDING_TAPS))


def downgrade() -> None:
    op.drop_index('ix_inbox_pending_taps', table_name='inbox')
