"""What a message is about when it is not (only) an order: greeting, status question, ..."""
from __future__ import annotations

from .draft import CANCEL, GREETING, MENU_QUESTION, ORDER, OTHER, STATUS_QUESTION, THANKS
from functools import lru_cache

from .language import Language

# When a message matches several, the first wins.
_PRIORITY = (STATUS_QUESTION, CANCEL, MENU_QUESTION, GREETING, THANKS)


def detect(norms: list[str], lang: Language, has_lines: bool, looks_like_order: bool) -> str:
    found = set()
    table, longest = _table(lang)
    for i in range(len(norms)):
        for length in range(1, min(longest, len(norms) - i) + 1):
            found.update(table.get(tuple(norms[i:i + length]), ()))
    for intent in (STATUS_QUESTION, CANCEL):
        if intent in found:
            return intent
    if has_lines or looks_like_order:
        return ORDER
    return next((i for i in _PRIORITY if i in found), OTHER)


@lru_cache(maxsize=None)
def _table(lang: Language) -> tuple[dict[tuple[str, ...], tuple[str, ...]], int]:
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for intent, phrases in lang.intents.items():
        for phrase in phrases:
            table[phrase] = (*table.get(phrase, ()), intent)
    return table, max((len(p) for p in table), default=1)
