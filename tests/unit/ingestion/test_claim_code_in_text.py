"""Which customer messages carry a quote's claim code: the NNN-NNNN-NNN shape (dashes or spaces)
anywhere, or ten bare digits as the whole message (then only for an open quote: it may be a phone)."""
from __future__ import annotations

import pytest

from ingestion.customer_actions import code_in


@pytest.mark.parametrize(("text", "found"), [
    ("123-4567-890", ("123-4567-890", False)),
    ("Hi! My code is 123-4567-890, thanks", ("123-4567-890", False)),
    ("123 4567 890", ("123-4567-890", False)),
    ("/start 123-4567-890", ("123-4567-890", False)),
    ("1234567890", ("123-4567-890", True)),
    ("/start 1234567890", ("123-4567-890", True)),
])
def test_a_claim_code_is_found_and_normalized(text, found):
    assert code_in(text) == found


@pytest.mark.parametrize("text", [
    "call me at 415-555-0123",          # a phone number's shape is 3-3-4
    "my number is 4155550123 and I want a pizza",   # ten digits inside a sentence
    "123-4567-8901", "0123-4567-890",   # digits around it: not a code
    "123-4567 890",                     # mixed separators
    "two large pizzas", "",
])
def test_other_numbers_are_no_claim_code(text):
    assert code_in(text) is None
