"""seller chat: member_invites (one-time /start codes) and seller_prompts (chat flow steps)

Revision ID: 0005_seller_chat
Revises: 0004_outbox_deliveries
Create Date: 2026-11-23 22:20:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Frozen column types, as in 0001_core: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = '0005_seller_chat'
down_revision = '0004_outbox_deliveries'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('member_invites',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('expires_at', TIMESTAMP, nullable=False),
    sa.Column('used_at', TIMESTAMP, nullable=True),
    sa.Column('member_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.CheckConstraint("role IN ('admin', 'manager', 'agent', 'viewer')", name=op.f('ck_member_invites_role')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_invites_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_member_invites')),
    sa.UniqueConstraint('shop_id', 'code_hash', name=op.f('uq_member_invites_shop_id_code_hash'))
    )
    op.create_table('seller_prompts',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('telegram_user_id', sa.BigInteger(), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('target_id', sa.Uuid(), nullable=False),
    sa.Column('data', JSON, nullable=False),
    sa.Column('expires_at', TIMESTAMP, nullable=False),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_seller_prompts_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_seller_prompts')),
    sa.UniqueConstraint('shop_id', 'telegram_user_id', 'chat_id', name=op.f('uq_seller_prompts_shop_id_telegram_user_id_chat_id'))
    )


def downgrade() -> None:
    op.drop_table('seller_prompts')
    op.drop_table('member_invites')
