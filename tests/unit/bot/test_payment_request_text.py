"""A payment request quotes the shop's instructions as one sentence, however they were typed."""
from __future__ import annotations

import pytest

from bot.messages import customer_text

PAYLOAD = {"order_number": "ORD-00007", "amount_due": "26.00", "currency": "USD"}


@pytest.mark.parametrize("instructions", ["Bank transfer to IBAN DE02 1203.",
                                          "Bank transfer to IBAN DE02 1203", "  Bank transfer to IBAN DE02 1203.  "])
def test_instructions_end_in_exactly_one_full_stop(instructions):
    text = customer_text("order.payment_requested",
                         {**PAYLOAD, "payment_instructions": instructions}, None, "en")
    assert text == ("Please pay $26.00 for your order ORD-00007. Bank transfer to IBAN DE02 1203. "
                    "Tap \"I paid\" once you have.")


def test_without_instructions_the_request_still_reads_well():
    assert customer_text("order.payment_requested", PAYLOAD, None, "es") == (
        "Por favor, paga 26,00\xa0US$ por tu pedido ORD-00007. Pulsa \"Ya pagué\" cuando lo hayas hecho.")
