"""Turning raw chat text into tokens the parser can match: lowercase, accent-free, with positions."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# A chat message longer than this is not a normal order; the rest is ignored (and confidence drops)
# so that one pasted novel cannot slow the worker down.
MAX_CHARS = 4000

# Words (any script), amounts ("$25", never a quantity), numbers with an optional decimal part,
# and the punctuation that separates clauses. Hyphens split words, so "gluten-free" and "gluten free" read the same.
_TOKEN = re.compile(r"[$€£]\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?[^\W_]*|[^\W\d_]+(?:'[^\W_]+)*|[^\W_]+|[.!?;\n]|[,&+#]")
_SEPARATORS = frozenset(".!?;\n")


@dataclass(frozen=True, slots=True)
class Token:
    text: str    # as written (original case), for names and quoting back
    norm: str    # lowercase, accent-free: what language word lists are matched against
    start: int
    end: int

    @property
    def is_separator(self) -> bool:
        return self.norm in _SEPARATORS


def clean(text: object) -> str:
    """Any input to a bounded, printable string; never raises."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = text[:MAX_CHARS]
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("`", "'")
    if text.replace("\n", " ").isprintable():
        return text
    # Control and format characters (zero-width joiners, bidi marks, lone surrogates) carry no words.
    return "".join(ch if ch == "\n" or unicodedata.category(ch)[0] != "C" else " " for ch in text)


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lowercase without accents, so "Café" and "cafe" are the same word."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), fold(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def words(phrase: str) -> tuple[str, ...]:
    """A catalog or word-list phrase as folded tokens (punctuation dropped)."""
    return tuple(t.norm for t in tokenize(clean(phrase)) if not t.is_separator and t.norm not in ",&+#")
