"""What a message is about when it is not (only) an order: greeting, status question, ..."""
from __future__ import annotations

from .draft import CANCEL, GREETING, MENU_QUESTION, ORDER, OTHER, STATUS_QUESTION, THANKS
from .language import Language

# When a message matches several, the first wins.
_PRIORITY = (STATUS_QUESTION, CANCEL, MENU_QUESTION, GREETING, THANKS)


def detect(norms: list[str], lang: Language, has_lines: bool, looks_like_order: bool) -> str:
    found = set()
    for i in range(len(norms)):
        for length in range(1, 6):
            phrase = tuple(norms[i:i + length])
            for intent, phrases in lang.intents.items():
                if phrase in phrases:
                    found.add(intent)
    for intent in (STATUS_QUESTION, CANCEL):
        if intent in found:
            return intent
    if has_lines or looks_like_order:
        return ORDER
    return next((i for i in _PRIORITY if i in found), OTHER)
