"""A language is data alone: every lang/*.json has what English has, with the same placeholders."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

LANG_DIR = Path(__file__).resolve().parents[3] / "ingestion" / "parser" / "lang"
ENGLISH = json.loads((LANG_DIR / "en.json").read_text(encoding="utf-8"))
OTHERS = sorted(p for p in LANG_DIR.glob("*.json") if p.name != "en.json")


@pytest.mark.parametrize("path", OTHERS, ids=lambda p: p.name)
def test_language_file_has_every_section_english_has(path):
    data = json.loads(path.read_text(encoding="utf-8"))

    assert set(ENGLISH) - {"_comment"} == set(data) - {"_comment"}
    assert set(ENGLISH["intents"]) == set(data["intents"])
    assert set(ENGLISH["contact"]) == set(data["contact"])


@pytest.mark.parametrize("path", OTHERS, ids=lambda p: p.name)
def test_questions_use_the_same_placeholders(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    for key, template in ENGLISH["questions"].items():
        assert set(re.findall(r"{(\w+)}", data["questions"][key])) == set(re.findall(r"{(\w+)}", template)), key
