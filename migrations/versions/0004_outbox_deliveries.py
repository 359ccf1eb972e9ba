"""bot: outbox_deliveries (which chat got which seller card, for edits in place)

Revision ID: 0004_outbox_deliveries
Revises: 0003_channels
Create Date: 2026-11-23 21:10:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Frozen column types, as in 0001_core: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)

revision = '0004_outbox_deliveries'
down_revision = '0003_channels'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox_deliveries',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('draft_id', sa.Uuid(), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_outbox_deliveries_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_outbox_deliveries')),
    sa.UniqueConstraint('shop_id', 'draft_id', 'chat_id', name=op.f('uq_outbox_deliveries_shop_id_draft_id_chat_id'))
    )


def downgrade() -> None:
    op.drop_table('outbox_deliveries')
