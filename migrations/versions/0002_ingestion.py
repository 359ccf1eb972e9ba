"""ingestion: inbox, conversations, drafts, draft events

Revision ID: 0002_ingestion
Revises: 0001_core
Create Date: 2026-11-23 19:45:28.221414
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Frozen column types, as in 0001_core: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = '0002_ingestion'
down_revision = '0001_core'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbox',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('message', JSON, nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', TIMESTAMP, nullable=False),
    sa.Column('lease_until', TIMESTAMP, nullable=True),
    sa.Column('locked_by', sa.String(length=64), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('result', JSON, nullable=True),
    sa.Column('received_at', TIMESTAMP, nullable=False),
    sa.Column('processed_at', TIMESTAMP, nullable=True),
    sa.CheckConstraint("status IN ('pending', 'processing', 'done', 'dead')", name=op.f('ck_inbox_status')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_inbox_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_inbox')),
    sa.UniqueConstraint('shop_id', 'channel', 'external_id', name=op.f('uq_inbox_shop_id_channel_external_id'))
    )
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbox_status_next_attempt_at'), ['status', 'next_attempt_at'], unique=False)

    op.create_table('conversations',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('customer_id', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.String(length=128), nullable=False),
    sa.Column('last_message_at', TIMESTAMP, nullable=False),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['shop_id', 'customer_id'], ['customers.shop_id', 'customers.id'], name=op.f('fk_conversations_shop_id_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_conversations_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_conversations')),
    sa.UniqueConstraint('shop_id', 'channel', 'chat_id', name=op.f('uq_conversations_shop_id_channel_chat_id'))
    )
    op.create_table('drafts',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('customer_id', sa.Uuid(), nullable=True),
    sa.Column('conversation_id', sa.Uuid(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=True),
    sa.Column('chat_id', sa.String(length=128), nullable=True),
    sa.Column('content', JSON, nullable=False),
    sa.Column('confidence', sa.Double(), nullable=False),
    sa.Column('texts', JSON, nullable=False),
    sa.Column('edited', sa.Boolean(), nullable=False),
    sa.Column('expires_at', TIMESTAMP, nullable=False),
    sa.Column('decided_by', sa.Uuid(), nullable=True),
    sa.Column('decided_by_name', sa.String(length=200), nullable=True),
    sa.Column('decided_at', TIMESTAMP, nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('order_id', sa.Uuid(), nullable=True),
    sa.Column('order_number', sa.String(length=32), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.Column('updated_at', TIMESTAMP, nullable=False),
    sa.CheckConstraint("status IN ('pending_review', 'approved', 'rejected', 'expired')", name=op.f('ck_drafts_status')),
    sa.ForeignKeyConstraint(['shop_id', 'conversation_id'], ['conversations.shop_id', 'conversations.id'], name=op.f('fk_drafts_shop_id_conversation_id_conversations')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_drafts_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_drafts'))
    )
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drafts_shop_id_conversation_id_status'), ['shop_id', 'conversation_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_drafts_shop_id_status_created_at'), ['shop_id', 'status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_drafts_status_expires_at'), ['status', 'expires_at'], unique=False)

    op.create_table('draft_events',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('draft_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=True),
    sa.Column('data', JSON, nullable=False),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['shop_id', 'draft_id'], ['drafts.shop_id', 'drafts.id'], name=op.f('fk_draft_events_shop_id_draft_id_drafts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_draft_events_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_draft_events'))
    )
    with op.batch_alter_table('draft_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_events_shop_id_draft_id_created_at'), ['shop_id', 'draft_id', 'created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('draft_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_events_shop_id_draft_id_created_at'))

    op.drop_table('draft_events')
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drafts_status_expires_at'))
        batch_op.drop_index(batch_op.f('ix_drafts_shop_id_status_created_at'))
        batch_op.drop_index(batch_op.f('ix_drafts_shop_id_conversation_id_status'))

    op.drop_table('drafts')
    op.drop_table('conversations')
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_status_next_attempt_at'))

    op.drop_table('inbox')
