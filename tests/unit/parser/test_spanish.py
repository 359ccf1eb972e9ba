"""Spanish works from data alone (lang/es.json): a Spanish bakery's catalog and messages."""
from __future__ import annotations

import pytest

from ingestion.parser import parse

from .factories import actual, demo_catalog, expected, shown

CASES = [
    ("quiero dos cafés con leche grandes y un cruasán", "2 CAFE tamaño=L | 1 CROISSANT"),
    ("un café mediano con avena sin azúcar y con mucha canela",
     "1 CAFE tamaño=M leche=AVENA !extras=AZUCAR extras=CANELA+EXTRA"),
    ("media docena de cruasanes y una barra de pan", "6 CROISSANT | 1 BARRA"),
    ("tres empanadas de atún y dos de pollo", "3 EMPANADA relleno=ATUN | 2 EMPANADA relleno=POLLO"),
    ("una tarta de queso", "1 TARTA sabor=QUESO"),
    ("un par de cafés pequeños con leche de avena, por favor", "2 CAFE tamaño=S leche=AVENA"),
    ("2 zumos de naranja", "2 ZUMO"),
    ("una docena de medialunas", "12 CROISSANT"),
    ("un cafe grande sin nata ni azucar", "1 CAFE tamaño=L !extras=NATA !extras=AZUCAR"),
    ("cuatro napolitanas y un jugo", "4 PAN_CHOCOLATE | 1 ZUMO"),
    ("un café pequeño con poca canela", "1 CAFE tamaño=S extras=CANELA+POCO"),
    ("quisiera una empanada de carne y una tarta de manzana", "1 EMPANADA relleno=CARNE | 1 TARTA sabor=MANZANA"),
    ("un cafe pequeño, otro mediano", "1 CAFE tamaño=S | 1 CAFE tamaño=M"),
    ("3 empanadas: 2 de carne y 1 de pollo", "2 EMPANADA relleno=CARNE | 1 EMPANADA relleno=POLLO"),
    ("hola buenas", ""),
    ("¿dónde está mi pedido?", ""),
]


@pytest.mark.parametrize("message,spec", CASES, ids=[c[0][:40] for c in CASES])
def test_spanish_message_gives_the_expected_lines(message, spec):
    draft = parse(message, demo_catalog("panaderia")).to_dict()

    assert actual(draft) == expected(spec), f"got: {shown(draft)}"


def test_spanish_greeting_and_status_question_have_their_intents():
    catalog = demo_catalog("panaderia")

    assert parse("hola", catalog).intent == "greeting"
    assert parse("¿dónde está mi pedido?", catalog).intent == "status_question"


def test_spanish_contact_uses_the_shop_region_for_phone_numbers():
    draft = parse("media docena de cruasanes, soy Ana, mi teléfono es 612 345 678, entregar en Calle Mayor 12",
                  demo_catalog("panaderia")).to_dict()

    assert draft["contact"] == {"name": "Ana", "phone": "+34612345678", "address": "Calle Mayor 12"}


def test_spanish_clarification_is_asked_in_spanish():
    draft = parse("una empanada", demo_catalog("panaderia")).to_dict()

    assert draft["clarifications"] == ["¿Qué relleno quieres para empanada: atún, carne o pollo?"]


def test_spanish_vague_quantity_asks_how_many():
    draft = parse("unas napolitanas", demo_catalog("panaderia")).to_dict()

    assert draft["clarifications"] == ["¿Cuántas unidades quieres de napolitana de chocolate?"]
