"""The order core's tables (SQLAlchemy 2 declarative). Importing this package registers them all
on `orders.db.Base.metadata`, which Alembic compares against."""
from orders.models.after_sale import Invoice, NotificationTemplate, Warranty
from orders.models.catalog import Product
from orders.models.customers import Customer, CustomerIdentity
from orders.models.fulfillment import Fulfillment, FulfillmentLine
from orders.models.history import OrderHistory, OutboxMessage
from orders.models.order import Order, OrderLine, OrderMember, OrderTag
from orders.models.payments import Payment, Restock
from orders.models.shops import Member, MemberInvite, Shop, ShopCounter

__all__ = [
    "Customer", "CustomerIdentity", "Fulfillment", "FulfillmentLine", "Invoice", "Member",
    "MemberInvite", "NotificationTemplate", "Order",
    "OrderHistory", "OrderLine", "OrderMember", "OrderTag", "OutboxMessage", "Payment", "Product",
    "Restock", "Shop", "ShopCounter", "Warranty",
]
