"""What a message is about when it is not (only) an order: greeting, status question, ...

Also spots self-corrections ("2 pizzas, sorry, 3"), which make any reading of the items a guess."""
from __future__ import annotations

from .draft import CANCEL, GREETING, MENU_QUESTION, ORDER, OTHER, PAID, STATUS_QUESTION, THANKS

SELF_CORRECTION = "self_correction"
from functools import lru_cache

from .language import Language

# When a message matches several, the first wins.
_PRIORITY = (STATUS_QUESTION, CANCEL, MENU_QUESTION, GREETING, THANKS)


def cues(norms: list[str], lang: Language) -> set[str]:
    """Every intent (and self-correction) whose phrases occur in the message."""
    found: set[str] = set()
    table, starts = _table(lang)
    for i, word in enumerate(norms):
        for length in range(1, min(starts.get(word, 0), len(norms) - i) + 1):
            found.update(table.get(tuple(norms[i:i + length]), ()))
    return found


# About an order already placed: they win over any items the message names.
ABOUT_PLACED = (STATUS_QUESTION, CANCEL, PAID)


def detect(found: set[str], has_lines: bool, looks_like_order: bool) -> str:
    for intent in ABOUT_PLACED:
        if intent in found:
            return intent
    if has_lines or looks_like_order:
        return ORDER
    return next((i for i in _PRIORITY if i in found), OTHER)


@lru_cache(maxsize=None)
def _table(lang: Language) -> tuple[dict[tuple[str, ...], tuple[str, ...]], dict[str, int]]:
    """Phrase -> intents, and first word -> longest phrase starting with it."""
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    starts: dict[str, int] = {}
    for intent, phrases in lang.intents.items():
        for phrase in phrases:
            table[phrase] = (*table.get(phrase, ()), intent)
            starts[phrase[0]] = max(starts.get(phrase[0], 0), len(phrase))
    return table, starts
