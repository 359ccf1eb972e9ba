"""order flows: quotes and claim codes, payment requests, tracking, stages and checklist,
completion, invoices, warranties, notification templates

Revision ID: 0006_order_flows
Revises: 0005_seller_chat
Create Date: 2026-11-23 22:40:00.000000

The orders status CHECK grows by quote, claimed and completed. PostgreSQL drops and re-adds the
constraint. SQLite cannot alter a constraint, and the usual copy-and-move batch would DROP the
orders table, whose implicit DELETE cascades to every order's lines, payments and history
(foreign keys are on and cannot be turned off inside the migration's transaction); so it edits
the stored table definition in place, the procedure SQLite documents for loosening a CHECK
(writable_schema and a schema_version bump; rows are untouched). Downgrading narrows it again
after mapping the new statuses back onto old ones (quote/claimed -> pending, completed ->
delivered): a downgrade keeps the orders, not the new states.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Frozen column types, as in 0001_core: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = '0006_order_flows'
down_revision = '0005_seller_chat'
branch_labels = None
depends_on = None

OLD_STATUSES = ("'new', 'pending', 'confirmed', 'packed', 'shipped', 'delivered', 'cancelled', "
                "'refunded'")
NEW_STATUSES = OLD_STATUSES + ", 'quote', 'claimed', 'completed'"
def _order_columns() -> list[sa.Column]:
    """Fresh Column objects each time (a Column belongs to one table; up/down/up reuses none)."""
    return [
    sa.Column('claim_code', sa.String(length=12), nullable=True),
    sa.Column('claimed_code', sa.String(length=12), nullable=True),
    sa.Column('quote_accepted_at', TIMESTAMP, nullable=True),
    sa.Column('payment_requested_at', TIMESTAMP, nullable=True),
    sa.Column('customer_says_paid_at', TIMESTAMP, nullable=True),
    sa.Column('carrier', sa.String(length=64), nullable=True),
    sa.Column('tracking_number', sa.String(length=128), nullable=True),
    sa.Column('tracking_url', sa.Text(), nullable=True),
    sa.Column('stage', sa.String(length=64), nullable=True),
    sa.Column('checklist', JSON, nullable=False, server_default=sa.text("'{}'")),
    sa.Column('auto_complete_at', TIMESTAMP, nullable=True),
    sa.Column('completed_at', TIMESTAMP, nullable=True),
    sa.Column('invoice_id', sa.Uuid(), nullable=True),
    sa.Column('invoice_number', sa.String(length=32), nullable=True),
    ]


def _status_check(old: str, new: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f('ck_orders_status'), 'orders', type_='check')
        op.create_check_constraint(op.f('ck_orders_status'), 'orders', f"status IN ({new})")
        return
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'orders'").scalar()
    if f"IN ({old})" not in sql:
        raise RuntimeError("orders' status CHECK is not the one this migration expects")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'orders'",
                         (sql.replace(f"IN ({old})", f"IN ({new})"),))
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    _status_check(OLD_STATUSES, NEW_STATUSES)
    for column in _order_columns():
        op.add_column('orders', column)
    op.create_index(op.f('ix_orders_shop_id_claim_code'), 'orders', ['shop_id', 'claim_code'], unique=True)
    op.create_index(op.f('ix_orders_shop_id_claimed_code'), 'orders', ['shop_id', 'claimed_code'], unique=False)
    op.create_index(op.f('ix_orders_status_auto_complete_at'), 'orders', ['status', 'auto_complete_at'], unique=False)
    op.add_column('order_lines', sa.Column('warranty_months', sa.Integer(), nullable=True))
    op.add_column('products', sa.Column('warranty_months', sa.Integer(), nullable=True))
    op.create_table('invoices',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('issued_at', TIMESTAMP, nullable=False),
    sa.Column('snapshot', JSON, nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['shop_id', 'order_id'], ['orders.shop_id', 'orders.id'], name=op.f('fk_invoices_shop_id_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_invoices_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('shop_id', 'number', name=op.f('uq_invoices_shop_id_number')),
    sa.UniqueConstraint('shop_id', 'order_id', name=op.f('uq_invoices_shop_id_order_id'))
    )
    op.create_table('warranties',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('order_line_id', sa.Uuid(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('starts_at', TIMESTAMP, nullable=False),
    sa.Column('ends_at', TIMESTAMP, nullable=False),
    sa.Column('remind_at', TIMESTAMP, nullable=False),
    sa.Column('reminded_at', TIMESTAMP, nullable=True),
    sa.ForeignKeyConstraint(['shop_id', 'order_id'], ['orders.shop_id', 'orders.id'], name=op.f('fk_warranties_shop_id_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id', 'order_line_id'], ['order_lines.shop_id', 'order_lines.id'], name=op.f('fk_warranties_shop_id_order_line_id_order_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_warranties_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'id', name=op.f('pk_warranties')),
    sa.UniqueConstraint('shop_id', 'order_line_id', name=op.f('uq_warranties_shop_id_order_line_id'))
    )
    op.create_index(op.f('ix_warranties_remind_at_reminded_at'), 'warranties', ['remind_at', 'reminded_at'], unique=False)
    op.create_table('notification_templates',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('updated_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_notification_templates_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'kind', 'language', name=op.f('pk_notification_templates'))
    )


def downgrade() -> None:
    op.drop_table('notification_templates')
    op.drop_index(op.f('ix_warranties_remind_at_reminded_at'), table_name='warranties')
    op.drop_table('warranties')
    op.drop_table('invoices')
    op.drop_column('products', 'warranty_months')
    op.drop_column('order_lines', 'warranty_months')
    op.drop_index(op.f('ix_orders_status_auto_complete_at'), table_name='orders')
    op.drop_index(op.f('ix_orders_shop_id_claimed_code'), table_name='orders')
    op.drop_index(op.f('ix_orders_shop_id_claim_code'), table_name='orders')
    for column in reversed(_order_columns()):
        op.drop_column('orders', column.name)
    op.execute("UPDATE orders SET status = 'pending' WHERE status IN ('quote', 'claimed')")
    op.execute("UPDATE orders SET status = 'delivered' WHERE status = 'completed'")
    _status_check(NEW_STATUSES, OLD_STATUSES)
