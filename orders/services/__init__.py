"""Service functions: lock, decide in the domain, record history and outbox, commit.

Each public function takes a `UnitOfWork` and (except the operator's shop/member/catalog set-up)
an `Actor`; the actor's shop scopes everything. Functions documented as running "inside the
caller's unit of work" (`create_order_from_draft`, `place_order`, `move_order`, `claim_due`,
`mark_sent`, `mark_failed`) never commit, so a caller can combine steps in one transaction.

The customer's own actions (`claim_quote`, `accept_quote`, `customer_says_paid`,
`confirm_received`) take `(uow, shop_id, customer_id, ...)` instead of an actor: the order must
be that customer's (anyone else's is OrderNotFound), and history shows no member for them.
Sweeps (`run_sweeps`, `complete_overdue`, `warranty_reminders`) take an injectable `now`.
"""
from orders.services.completion import complete_overdue, confirm_received
from orders.services.invoices import InvoiceDocument, invoice_document, issue_invoice
from orders.services.payment_requests import (customer_says_paid, request_payment,
                                              withdraw_payment_request)
from orders.services.production import advance_stage, tick_checklist
from orders.services.quotes import accept_quote, claim_quote, create_quote, create_quote_in
from orders.services.shipping import set_tracking, ship_order
from orders.services.shop_settings import update_shop_settings
from orders.services.sweeps import run_sweeps
from orders.services.templates import list_templates, set_template, template_overrides
from orders.services.warranties import warranties_of, warranty_reminders
from orders.services.catalog import ImportReport, catalog_json, import_catalog, load_catalog
from orders.services.creation import (LineRequest, NewOrder, create_order, create_order_from_draft,
                                      place_order)
from orders.services.editing import (add_note, assign_members, attach_documents, replace_lines,
                                     tag_order, update_order)
from orders.services.fulfillments import fulfill_order
from orders.services.lifecycle import cancel_order, delete_order, move_order, transition_order
from orders.services.outbox import claim_due, mark_failed, mark_sent
from orders.services.payments import record_payment, refund_order
from orders.services.queries import OrderFilter, Page, get_order, list_orders, order_history
from orders.services.shops import (NewMember, actor_of, add_member, authenticate, change_member,
                                   create_shop)

__all__ = [
    "ImportReport", "LineRequest", "NewMember", "NewOrder", "OrderFilter", "Page", "actor_of",
    "add_member", "add_note", "assign_members", "attach_documents", "authenticate",
    "cancel_order", "catalog_json", "change_member", "claim_due", "create_order", "create_order_from_draft",
    "create_shop", "delete_order", "fulfill_order", "get_order", "import_catalog", "list_orders",
    "load_catalog", "mark_failed", "mark_sent", "move_order", "order_history", "place_order",
    "record_payment", "refund_order", "replace_lines", "tag_order", "transition_order",
    "update_order",
    # order flows (issue 9)
    "InvoiceDocument", "accept_quote", "advance_stage", "claim_quote", "complete_overdue",
    "confirm_received", "create_quote", "create_quote_in", "customer_says_paid",
    "invoice_document", "issue_invoice",
    "list_templates", "request_payment", "run_sweeps", "set_template", "set_tracking",
    "ship_order", "template_overrides", "tick_checklist", "update_shop_settings",
    "warranties_of", "warranty_reminders", "withdraw_payment_request",
]
