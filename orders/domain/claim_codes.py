"""Claim codes for quotes without a customer (seed 002): `NNN-NNNN-NNN`, ten random digits.

Ten digits give 10^10 codes: guessing one of a shop's few open quotes is hopeless, and a code
is cleared as soon as it is claimed. Customers may type it with spaces or without dashes.
"""
from __future__ import annotations

import re
import secrets

from orders.errors import InvalidInput

PATTERN = re.compile(r"^\d{3}-\d{4}-\d{3}$")


def new_code() -> str:
    digits = f"{secrets.randbelow(10 ** 10):010d}"
    return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"


def normalize(text: str) -> str:
    """The code as stored, from what a customer typed ("123 4567 890", "1234567890", ...)."""
    digits = re.sub(r"[\s\-]", "", text or "")
    if not re.fullmatch(r"\d{10}", digits):
        raise InvalidInput(f"{text!r} is not a claim code; it looks like 123-4567-890.")
    return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
