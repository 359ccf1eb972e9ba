"""bot: channels (per-shop channel credentials, and the webhooks' routing table)

Revision ID: 0003_channels
Revises: 0002_ingestion
Create Date: 2026-11-23 20:30:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Frozen column types, as in 0001_core: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)

revision = '0003_channels'
down_revision = '0002_ingestion'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('channels',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=True),
    sa.Column('token', sa.Text(), nullable=True),
    sa.Column('secret', sa.Text(), nullable=False),
    sa.Column('verify_token', sa.Text(), nullable=True),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.Column('updated_at', TIMESTAMP, nullable=False),
    sa.CheckConstraint("kind IN ('telegram', 'whatsapp', 'instagram')", name=op.f('ck_channels_kind')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_channels_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'kind', name=op.f('pk_channels')),
    sa.UniqueConstraint('kind', 'account_id', name=op.f('uq_channels_kind_account_id'))
    )


def downgrade() -> None:
    op.drop_table('channels')
