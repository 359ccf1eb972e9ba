"""drafts: the conversation index also orders by created_at, so "the customer's newest pending
draft" (ORDER BY created_at DESC LIMIT 1) is read from it at once. With (shop_id,
conversation_id, status) only, a generic plan walked the shop's pending drafts newest first
through (shop_id, status, created_at), filtering on the conversation: every pending draft of
the shop, for each message of a customer who has none.

Revision ID: 0008_drafts_by_conversation
Revises: 0007_inbox_taps_first
Create Date: 2026-11-24 01:20:00.000000
"""
from __future__ import annotations

from alembic import op

revision = '0008_drafts_by_conversation'
down_revision = '0007_inbox_taps_first'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_drafts_shop_id_conversation_id_status_created_at', 'drafts',
                    ['shop_id', 'conversation_id', 'status', 'created_at'], unique=False)
    op.drop_index('ix_drafts_shop_id_conversation_id_status', table_name='drafts')


def downgrade() -> None:
    op.create_index('ix_drafts_shop_id_conversation_id_status', 'drafts',
                    ['shop_id', 'conversation_id', 'status'], unique=False)
    op.drop_index('ix_drafts_shop_id_conversation_id_status_created_at', table_name='drafts')
