"""What sellers read in their chat: orders, lists, help and the questions of the chat flows.
Pure functions over plain dicts (`orders.views.order_view`), like `bot/messages.py`."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.messages import money, phone_text

HELP = ("You are {name}, {role} at {shop}.\n"
        "New order drafts arrive here as cards: tap Approve, Edit or Reject.\n"
        "/orders - recent orders (/orders confirmed: only those)\n"
        "/order ORD-00042 - one order, with what you can do next\n"
        "/quote 2 large margherita - a quote with a claim code for a customer\n"
        "/cancel - stop the question I asked")
WELCOME = "Welcome, {name}! You are now {role} at {shop}. New order drafts will arrive here.\n"

# Button labels for moves to each status; a status missing here gets "-> status".
MOVE_LABELS = {"confirmed": "Confirm", "packed": "Mark packed", "shipped": "Ship",
               "delivered": "Deliver", "cancelled": "Cancel", "refunded": "Refund",
               "completed": "Complete"}


def move_label(status: str) -> str:
    return MOVE_LABELS.get(status, f"-> {status}")


def _option(option: Mapping[str, Any]) -> str:
    name = option.get("name") or str(option.get("code", "")).lower()
    if option.get("negated"):
        return f"no {name}"
    return f"{str(option['qualifier']).lower()} {name}" if option.get("qualifier") else name


def order_line(line: Mapping[str, Any], currency: str) -> str:
    options = ", ".join(_option(o) for o in line.get("options") or [])
    what = f"{line['quantity']}x {line['name']}" + (f" ({options})" if options else "")
    return f"  {what:<44} {money(line.get('line_total'), currency)}"


def order_details(order: Mapping[str, Any]) -> str:
    currency = order.get("currency") or ""
    out = [f"{order['number']}: {order['status']}, {order['financial_status'].replace('_', ' ')}, "
           f"{order['fulfillment_status']}"]
    customer = order.get("customer") or {}
    who = [d for d in (customer.get("name"), phone_text(customer.get("phone")),
                       customer.get("address")) if d]
    if who:
        out.append("Customer: " + ", ".join(who))
    out += [order_line(line, currency) for line in order.get("lines") or []]
    out.append(f"  {'Total':<44} {money(order.get('total'), currency)}")
    if order.get("note"):
        out.append(f"Note: {order['note']}")
    out.append(f"Invoice: {order.get('invoice_url') or 'not attached'}; "
               f"label: {order.get('label_url') or 'not attached'}")
    return "\n".join(out)


def order_summary(order: Mapping[str, Any]) -> str:
    """One line of /orders."""
    customer = (order.get("customer") or {}).get("name") or "customer"
    return (f"{order['number']} {order['status']}, {money(order.get('total'), order.get('currency'))}"
            f", {customer}")


def order_list(orders: Sequence[Mapping[str, Any]], status: str | None, more: bool) -> str:
    if not orders:
        return f"No {status} orders." if status else "No orders yet."
    head = f"Recent {status} orders:" if status else "Recent orders:"
    return "\n".join([head] + [order_summary(o) for o in orders] +
                     (["Tap More for older ones."] if more else []))


def history_text(number: str, rows: Sequence[Mapping[str, Any]], names: Mapping[str, str]) -> str:
    out = [f"History of {number}:"]
    for row in rows:
        who = names.get(row.get("actor_id") or "", "system")
        change = f"{row['axis']}: {row['from'] or '-'} -> {row['to'] or '-'}"
        note = f" ({row['note']})" if row.get("note") else ""
        out.append(f"{row['created_at'][:16].replace('T', ' ')} {who}: {change}{note}")
    return "\n".join(out)

