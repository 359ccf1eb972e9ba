"""core: shops, members, customers, catalog, orders, payments, fulfillments, history, outbox

Revision ID: 0001_core
Revises:
Create Date: 2026-11-23 19:39:01.796784
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Frozen copies of orders.db's column types: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)
MONEY = sa.Numeric(12, 2).with_variant(sa.String(24), "sqlite")  # SQLite has no exact decimal
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
revision = '0001_core'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('shops',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('region', sa.String(length=2), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('settings', JSON, nullable=False),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shops')),
    sa.UniqueConstraint('slug', name=op.f('uq_shops_slug'))
    )
    op.create_table('customers',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_customers_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_customers'))
    )
    op.create_index(op.f('ix_customers_shop_id_phone'), 'customers', ['shop_id', 'phone'], unique=False)

    op.create_table('members',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('telegram_user_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.Column('deactivated_at', TIMESTAMP, nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'manager', 'agent', 'viewer')", name=op.f('ck_members_role')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_members_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_members')),
    sa.UniqueConstraint('shop_id', 'telegram_user_id', name=op.f('uq_members_shop_id_telegram_user_id')),
    sa.UniqueConstraint('shop_id', 'token_hash', name=op.f('uq_members_shop_id_token_hash'))
    )
    op.create_table('outbox',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=True),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('payload', JSON, nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', TIMESTAMP, nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.Column('sent_at', TIMESTAMP, nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sent', 'dead')", name=op.f('ck_outbox_status')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_outbox_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('shop_id', 'idempotency_key', name=op.f('uq_outbox_shop_id_idempotency_key'))
    )
    op.create_index(op.f('ix_outbox_status_next_attempt_at'), 'outbox', ['status', 'next_attempt_at'], unique=False)

    op.create_table('products',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('aliases', JSON, nullable=False),
    sa.Column('price', MONEY, nullable=False),
    sa.Column('stock', sa.Integer(), nullable=True),
    sa.Column('options', JSON, nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.Column('updated_at', TIMESTAMP, nullable=False),
    sa.CheckConstraint('stock IS NULL OR stock >= 0', name=op.f('ck_products_stock_not_negative')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_products_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_products')),
    sa.UniqueConstraint('shop_id', 'sku', name=op.f('uq_products_shop_id_sku'))
    )
    op.create_table('shop_counters',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_shop_counters_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'name', name=op.f('pk_shop_counters'))
    )
    op.create_table('customer_identities',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('customer_id', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=True),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['shop_id', 'customer_id'], ['customers.shop_id', 'customers.id'], name=op.f('fk_customer_identities_shop_id_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_customer_identities_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_customer_identities')),
    sa.UniqueConstraint('shop_id', 'channel', 'external_id', name=op.f('uq_customer_identities_shop_id_channel_external_id'))
    )
    op.create_table('orders',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('financial_status', sa.String(length=24), nullable=False),
    sa.Column('fulfillment_status', sa.String(length=16), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total', MONEY, nullable=False),
    sa.Column('customer_id', sa.Uuid(), nullable=True),
    sa.Column('customer_name', sa.String(length=200), nullable=True),
    sa.Column('customer_phone', sa.String(length=32), nullable=True),
    sa.Column('customer_contact', JSON, nullable=False),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('form_data', JSON, nullable=False),
    sa.Column('metadata', JSON, nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('date_due', TIMESTAMP, nullable=True),
    sa.Column('draft_id', sa.Uuid(), nullable=True),
    sa.Column('conversation_id', sa.Uuid(), nullable=True),
    sa.Column('invoice_url', sa.Text(), nullable=True),
    sa.Column('label_url', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.Column('updated_at', TIMESTAMP, nullable=False),
    sa.Column('deleted_at', TIMESTAMP, nullable=True),
    sa.CheckConstraint("status IN ('new', 'pending', 'confirmed', 'packed', 'shipped', 'delivered', 'cancelled', 'refunded')", name=op.f('ck_orders_status')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_orders_version_positive')),
    sa.ForeignKeyConstraint(['shop_id', 'customer_id'], ['customers.shop_id', 'customers.id'], name=op.f('fk_orders_shop_id_customer_id_customers')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_orders_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_orders')),
    sa.UniqueConstraint('shop_id', 'draft_id', name=op.f('uq_orders_shop_id_draft_id')),
    sa.UniqueConstraint('shop_id', 'number', name=op.f('uq_orders_shop_id_number'))
    )
    op.create_index(op.f('ix_orders_shop_id_conversation_id_created_at'), 'orders', ['shop_id', 'conversation_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_orders_shop_id_created_at_id'), 'orders', ['shop_id', 'created_at', 'id'], unique=False)
    op.create_index(op.f('ix_orders_shop_id_customer_id_created_at'), 'orders', ['shop_id', 'customer_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_orders_shop_id_financial_status_created_at_id'), 'orders', ['shop_id', 'financial_status', 'created_at', 'id'], unique=False)
    op.create_index(op.f('ix_orders_shop_id_fulfillment_status_created_at_id'), 'orders', ['shop_id', 'fulfillment_status', 'created_at', 'id'], unique=False)
    op.create_index(op.f('ix_orders_shop_id_status_created_at_id'), 'orders', ['shop_id', 'status', 'created_at', 'id'], unique=False)

    op.create_table('fulfillments',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('carrier', sa.String(length=64), nullable=True),
    sa.Column('tracking_number', sa.String(length=128), nullable=True),
    sa.Column('tracking_url', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['shop_id', 'order_id'], ['orders.shop_id', 'orders.id'], name=op.f('fk_fulfillments_shop_id_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_fulfillments_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_fulfillments'))
    )
    op.create_index(op.f('ix_fulfillments_shop_id_order_id'), 'fulfillments', ['shop_id', 'order_id'], unique=False)

    op.create_table('order_history',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('axis', sa.String(length=16), nullable=False),
    sa.Column('from_value', sa.Text(), nullable=True),
    sa.Column('to_value', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['shop_id', 'order_id'], ['orders.shop_id', 'orders.id'], name=op.f('fk_order_history_shop_id_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_order_history_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_order_history'))
    )
    op.create_index(op.f('ix_order_history_shop_id_order_id_created_at'), 'order_history', ['shop_id', 'order_id', 'created_at'], unique=False)

    op.create_table('order_lines',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Uuid(), nullable=True),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit_price', MONEY, nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('options', JSON, nullable=False),
    sa.Column('line_total', MONEY, nullable=False),
    sa.Column('reserved', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_order_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['shop_id', 'order_id'], ['orders.shop_id', 'orders.id'], name=op.f('fk_order_lines_shop_id_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id', 'product_id'], ['products.shop_id', 'products.id'], name=op.f('fk_order_lines_shop_id_product_id_products')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_order_lines_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_order_lines'))
    )
    op.create_index(op.f('ix_order_lines_shop_id_order_id'), 'order_lines', ['shop_id', 'order_id'], unique=False)
    op.create_index(op.f('ix_order_lines_shop_id_product_id'), 'order_lines', ['shop_id', 'product_id'], unique=False)

    op.create_table('order_members',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['shop_id', 'member_id'], ['members.shop_id', 'members.id'], name=op.f('fk_order_members_shop_id_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id', 'order_id'], ['orders.shop_id', 'orders.id'], name=op.f('fk_order_members_shop_id_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_order_members_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'order_id', 'member_id', name=op.f('pk_order_members'))
    )
    op.create_table('order_tags',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('tag', sa.String(length=64), nullable=False),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['shop_id', 'order_id'], ['orders.shop_id', 'orders.id'], name=op.f('fk_order_tags_shop_id_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_order_tags_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'order_id', 'tag', name=op.f('pk_order_tags'))
    )
    op.create_index(op.f('ix_order_tags_shop_id_tag'), 'order_tags', ['shop_id', 'tag'], unique=False)

    op.create_table('payments',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('method', sa.String(length=32), nullable=True),
    sa.Column('reference', sa.String(length=128), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.CheckConstraint("kind IN ('payment', 'refund')", name=op.f('ck_payments_kind')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payments_amount_positive')),
    sa.ForeignKeyConstraint(['shop_id', 'order_id'], ['orders.shop_id', 'orders.id'], name=op.f('fk_payments_shop_id_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_payments_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_payments'))
    )
    op.create_index(op.f('ix_payments_shop_id_order_id'), 'payments', ['shop_id', 'order_id'], unique=False)

    op.create_table('fulfillment_lines',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('fulfillment_id', sa.Uuid(), nullable=False),
    sa.Column('order_line_id', sa.Uuid(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_fulfillment_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['shop_id', 'fulfillment_id'], ['fulfillments.shop_id', 'fulfillments.id'], name=op.f('fk_fulfillment_lines_shop_id_fulfillment_id_fulfillments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id', 'order_line_id'], ['order_lines.shop_id', 'order_lines.id'], name=op.f('fk_fulfillment_lines_shop_id_order_line_id_order_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_fulfillment_lines_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_fulfillment_lines'))
    )
    op.create_table('restocks',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('order_line_id', sa.Uuid(), nullable=False),
    sa.Column('payment_id', sa.Uuid(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=8), nullable=False),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.CheckConstraint("reason IN ('refund', 'cancel')", name=op.f('ck_restocks_reason')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_restocks_quantity_positive')),
    sa.ForeignKeyConstraint(['shop_id', 'order_id'], ['orders.shop_id', 'orders.id'], name=op.f('fk_restocks_shop_id_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id', 'order_line_id'], ['order_lines.shop_id', 'order_lines.id'], name=op.f('fk_restocks_shop_id_order_line_id_order_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id', 'payment_id'], ['payments.shop_id', 'payments.id'], name=op.f('fk_restocks_shop_id_payment_id_payments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_restocks_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_restocks'))
    )
    op.create_index(op.f('ix_restocks_shop_id_order_id'), 'restocks', ['shop_id', 'order_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_restocks_shop_id_order_id'), table_name='restocks')
    op.drop_table('restocks')
    op.drop_table('fulfillment_lines')
    op.drop_index(op.f('ix_payments_shop_id_order_id'), table_name='payments')
    op.drop_table('payments')
    op.drop_index(op.f('ix_order_tags_shop_id_tag'), table_name='order_tags')
    op.drop_table('order_tags')
    op.drop_table('order_members')
    op.drop_index(op.f('ix_order_lines_shop_id_product_id'), table_name='order_lines')
    op.drop_index(op.f('ix_order_lines_shop_id_order_id'), table_name='order_lines')
    op.drop_table('order_lines')
    op.drop_index(op.f('ix_order_history_shop_id_order_id_created_at'), table_name='order_history')
    op.drop_table('order_history')
    op.drop_index(op.f('ix_fulfillments_shop_id_order_id'), table_name='fulfillments')
    op.drop_table('fulfillments')
    op.drop_index(op.f('ix_orders_shop_id_status_created_at_id'), table_name='orders')
    op.drop_index(op.f('ix_orders_shop_id_fulfillment_status_created_at_id'), table_name='orders')
    op.drop_index(op.f('ix_orders_shop_id_financial_status_created_at_id'), table_name='orders')
    op.drop_index(op.f('ix_orders_shop_id_customer_id_created_at'), table_name='orders')
    op.drop_index(op.f('ix_orders_shop_id_created_at_id'), table_name='orders')
    op.drop_index(op.f('ix_orders_shop_id_conversation_id_created_at'), table_name='orders')
    op.drop_table('orders')
    op.drop_table('customer_identities')
    op.drop_table('shop_counters')
    op.drop_table('products')
    op.drop_index(op.f('ix_outbox_status_next_attempt_at'), table_name='outbox')
    op.drop_table('outbox')
    op.drop_table('members')
    op.drop_index(op.f('ix_customers_shop_id_phone'), table_name='customers')
    op.drop_table('customers')
    op.drop_table('shops')
