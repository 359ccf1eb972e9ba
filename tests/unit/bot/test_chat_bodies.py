"""What WhatsApp and Instagram receive: the customer's choices as buttons or a list within
WhatsApp's limits, and Instagram texts within 1,000 UTF-8 bytes, cut between words."""
from __future__ import annotations

import pytest

from bot import messages
from bot.messages import Choices
from bot.outbox.graph import instagram_body, trim_bytes, trim_chars, whatsapp_body

SIZES = Choices(("small", "medium", "large"), "Choose")


def test_three_short_choices_become_reply_buttons_whose_titles_are_the_answers():
    body = whatsapp_body("15551234567", "Which size?", choices=SIZES)
    assert body["type"] == "interactive" and body["interactive"]["type"] == "button"
    buttons = body["interactive"]["action"]["buttons"]
    assert [b["reply"]["title"] for b in buttons] == ["small", "medium", "large"]
    assert all(len(b["reply"]["id"]) <= 256 and b["type"] == "reply" for b in buttons)
    assert body["interactive"]["body"]["text"] == "Which size?"


def test_more_than_three_choices_become_a_list_of_up_to_ten_rows():
    flavours = Choices(("fresa", "chocolate", "vainilla", "limón", "pistacho"), "Elegir")
    body = whatsapp_body("1", "¿Qué sabor?", choices=flavours)
    interactive = body["interactive"]
    assert interactive["type"] == "list" and interactive["action"]["button"] == "Elegir"
    [section] = interactive["action"]["sections"]
    assert [r["title"] for r in section["rows"]] == list(flavours.options)
    assert len({r["id"] for r in section["rows"]}) == 5
    assert all(len(r["title"]) <= 24 and len(r["id"]) <= 200 for r in section["rows"])


@pytest.mark.parametrize("options", [
    tuple(f"option {i}" for i in range(11)),                     # more than ten rows
    ("a product name far too long for a row", "short", "other"),  # a title would be cut
    ("same", "same"),                                             # ambiguous titles
])
def test_choices_that_do_not_fit_are_left_to_the_text(options):
    body = whatsapp_body("1", "Which one?", choices=Choices(options, "Choose"))
    assert body["type"] == "text" and body["text"]["body"] == "Which one?"


def test_a_long_title_for_buttons_may_still_fit_a_list_row():
    options = ("margherita pizza xl", "pepperoni pizza large", "pizza")  # 21 chars: not a button
    assert whatsapp_body("1", "Which?", choices=Choices(options, "Choose"))["interactive"]["type"] == "list"


def test_a_text_too_long_for_an_interactive_body_goes_as_text():
    body = whatsapp_body("1", "x " * 600, choices=SIZES)
    assert body["type"] == "text"


def test_no_choices_is_plain_text():
    assert whatsapp_body("1", "Hi")["type"] == "text"


SPANISH = ("Tu pedido lleva café con leche, cruasán, napolitana de chocolate, "
           "empanada de atún y zumo de naranja; el camión sale mañana a las ocho. ") * 20


def test_instagram_text_is_within_1000_bytes_and_cut_between_words():
    assert len(SPANISH.encode()) > 2000
    sent = instagram_body("998877", SPANISH)["message"]["text"]
    assert len(sent.encode()) <= 1000 and sent.endswith("…")
    kept = sent.removesuffix("…")
    assert SPANISH.startswith(kept) and SPANISH[len(kept)] in " ,;.", "cut inside a word"
    assert len(sent.encode()) > 900  # not cut far shorter than needed


def test_trimming_never_splits_a_multibyte_character():
    text = "ñ" * 600  # one 1,200-byte word
    cut = trim_bytes(text, 1000)
    assert len(cut.encode()) <= 1000 and set(cut.removesuffix("…")) == {"ñ"}
    assert trim_bytes("corto", 1000) == "corto"


def test_whatsapp_text_limit_counts_characters():
    text = "palabra " * 600
    cut = trim_chars(text, 4096)
    assert len(cut) <= 4096 and cut.endswith("palabra…")


def test_customer_choices_come_from_the_drafts_structured_choices():
    question = "Which size would you like for the pizza: small, medium or large?"
    content = {"lines": [{"sku": "PIZZA"}], "clarifications": [question],
               "choices": [{"question": question, "options": ["small", "medium", "large"]}]}
    payload = {"content": content, "clarifications": [question]}
    assert messages.customer_choices("customer.draft_created", payload) == SIZES
    assert messages.customer_choices("customer.draft_amended", payload, None, "es").prompt == "Elegir"
    assert messages.customer_choices("order.created", payload) is None


def test_no_choices_when_two_questions_share_an_answer_or_the_question_was_settled():
    a, b = "Which size for the pizza?", "Which size for the margherita?"
    sizes = ["small", "medium", "large"]
    content = {"clarifications": [a, b], "choices": [{"question": a, "options": sizes},
                                                     {"question": b, "options": sizes}]}
    assert messages.customer_choices("customer.draft_created", {"content": content}) is None
    settled = {"clarifications": [], "choices": [{"question": a, "options": sizes}]}
    assert messages.customer_choices("customer.draft_created", {"content": settled}) is None


def test_questions_with_different_answers_offer_the_first_ones():
    a, b = "¿Qué tamaño?", "¿Qué relleno?"
    content = {"clarifications": [a, b],
               "choices": [{"question": a, "options": ["pequeño", "grande"]},
                           {"question": b, "options": ["atún", "carne"]}]}
    assert messages.customer_choices("customer.draft_created", {"content": content}).options == (
        "pequeño", "grande")
