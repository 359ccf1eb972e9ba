"""Errors of the order core, each with a message a seller could read.

    OrderCoreError
    ├── NotFound                   no such object in this shop (also: another shop's object)
    │   ├── ShopNotFound
    │   ├── MemberNotFound
    │   ├── ProductNotFound
    │   ├── CustomerNotFound
    │   ├── OrderNotFound
    │   ├── ClaimCodeNotFound      no open quote has this claim code
    │   └── InvoiceNotFound
    ├── PermissionDenied           the member's role may not do this
    ├── InvalidInput               a value that cannot be used (bad amount, empty order, ...)
    │   └── CatalogFileError       a catalog file with bad rows (all of them, with line numbers)
    ├── AlreadyExists              a shop slug, a telegram user id, ... already taken
    ├── Conflict                   the order changed or cannot change (HTTP 409)
    │   ├── StaleVersion           someone else changed the order since it was read
    │   ├── InvalidTransition      a move the transition tables do not allow
    │   ├── RuleViolation          a guard said no (documents before packing, edits after packing, ...)
    │   └── AlreadyClaimed         another customer claimed this quote first
    └── OutOfStock                 not enough stock ("Only 2 left of pizza.")

Adapters map these to answers (HTTP status, chat message) at the boundary; nothing deeper does.
"""
from __future__ import annotations

from typing import Any


class OrderCoreError(Exception):
    """Base of every order-core error; `str(error)` is the seller-facing message."""


class NotFound(OrderCoreError):
    what = "Object"

    def __init__(self, key: Any) -> None:
        self.key = key
        super().__init__(f"{self.what} {key} was not found in this shop.")


class ShopNotFound(NotFound):
    what = "Shop"

    def __init__(self, key: Any) -> None:
        self.key = key
        OrderCoreError.__init__(self, f"Shop {key!r} does not exist.")


class MemberNotFound(NotFound):
    what = "Member"


class ProductNotFound(NotFound):
    what = "Product"


class CustomerNotFound(NotFound):
    what = "Customer"


class OrderNotFound(NotFound):
    what = "Order"


class ClaimCodeNotFound(NotFound):
    def __init__(self, key: Any) -> None:
        self.key = key
        OrderCoreError.__init__(self, f"No open quote has the claim code {key}.")


class InvoiceNotFound(NotFound):
    what = "Invoice"


class PermissionDenied(OrderCoreError):
    def __init__(self, role: str, action: str) -> None:
        self.role, self.action = role, action
        article = "An" if str(role)[:1] in "aeiou" else "A"
        super().__init__(f"{article} {role} may not {action}.")


class InvalidInput(OrderCoreError):
    """A value the seller (or a caller) gave that cannot be used; the message says which."""


class CatalogFileError(InvalidInput):
    """Every bad row of a catalog file, so the seller can fix them all at once."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Nothing was imported; fix these rows first:\n  " + "\n  ".join(problems))


class AlreadyExists(OrderCoreError):
    """Something with this unique name already exists."""


class Conflict(OrderCoreError):
    """The change does not fit the order's current state."""


class StaleVersion(Conflict):
    def __init__(self, number: str, expected: int, actual: int) -> None:
        self.number, self.expected, self.actual = number, expected, actual
        super().__init__(
            f"Order {number} was changed by someone else (you had version {expected}, "
            f"it is now {actual}). Reload it and try again.")


class InvalidTransition(Conflict):
    def __init__(self, axis: str, current: str, target: str, rule: str) -> None:
        self.axis, self.current, self.target, self.rule = axis, current, target, rule
        super().__init__(f"Cannot move {axis} from {current} to {target}: {rule}.")


class RuleViolation(Conflict):
    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        super().__init__(message)


class AlreadyClaimed(Conflict):
    def __init__(self, code: str, number: str) -> None:
        self.code, self.number = code, number
        super().__init__(f"The quote with code {code} was already claimed by another customer.")


class OutOfStock(OrderCoreError):
    def __init__(self, sku: str, name: str, available: int, wanted: int) -> None:
        self.sku, self.name, self.available, self.wanted = sku, name, available, wanted
        super().__init__(f"Only {available} left of {name} ({wanted} wanted)." if available > 0
                         else f"{name} is out of stock ({wanted} wanted).")
