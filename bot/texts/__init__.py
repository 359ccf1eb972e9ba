"""What the bot says, as data: one JSON file per language (`bot/texts/<code>.json`).

    entry = template("order.status_changed.shipped", "es")     # the shop's language
    entry.recipient                                            # "customer"
    entry.render(number="ORD-00042")                           # "¡Tu pedido ORD-00042 está en camino!"

A language file maps each event kind (an outbox kind, or a kind plus a variant such as
`.shipped` or `.question`) to `{"recipient", "template", "parts"}`. Placeholders are named
(`{number}`); a *part* is a piece of the template shown only when its value is there (`{reason}`
becomes ": too far away" or nothing), so one entry covers the optional details of an event.
`words` holds the small vocabulary the renderers need (status words, "no {option}").

Lookup order, in `template()` only: the caller's `overrides` (a shop's own wording; later a
table per shop and language), then the language's file, then English. So a new event needs an
English entry to work at all, and a translation to read well.
"""
from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_LANGUAGE = "en"
CUSTOMER, SELLERS = "customer", "sellers"
_DIR = Path(__file__).resolve().parent


class _Keep(dict):
    """Placeholders nobody filled stay visible (`{x}`) rather than failing a send."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(text: str, values: Mapping[str, Any]) -> str:
    return string.Formatter().vformat(text, (), _Keep(values))


@dataclass(frozen=True)
class Template:
    kind: str
    language: str
    recipient: str
    text: str
    parts: Mapping[str, str] = field(default_factory=dict)

    def render(self, **values: Any) -> str:
        filled = dict(values)
        for name, part in self.parts.items():
            present = values.get(name) not in (None, "", False)
            filled[name] = _fill(part, values) if present else ""
        return _fill(self.text, filled)

    def placeholders(self) -> set[str]:
        return {name for text in (self.text, *self.parts.values())
                for _, name, _, _ in string.Formatter().parse(text) if name}


def language_code(language: str | None) -> str:
    """`es-MX`, `ES` -> `es`; a language without a file -> English."""
    code = (language or DEFAULT_LANGUAGE).lower().replace("_", "-").split("-")[0]
    return code if (_DIR / f"{code}.json").is_file() else DEFAULT_LANGUAGE


@lru_cache(maxsize=None)
def texts(language: str) -> Mapping[str, Any]:
    """A language file as loaded (English for a language without one)."""
    return json.loads((_DIR / f"{language_code(language)}.json").read_text(encoding="utf-8"))


def template(kind: str, language: str | None = DEFAULT_LANGUAGE,
             overrides: Mapping[str, Mapping[str, Any]] | None = None) -> Template | None:
    """The entry for `kind` in `language`: a shop's override first, then the language, then
    English; None if no language has it."""
    code = language_code(language)
    entry = (overrides or {}).get(kind)
    if entry is None:
        entry = texts(code)["events"].get(kind)
    if entry is None:
        code, entry = DEFAULT_LANGUAGE, texts(DEFAULT_LANGUAGE)["events"].get(kind)
    if entry is None:
        return None
    return Template(kind, code, entry.get("recipient", CUSTOMER), entry["template"],
                    dict(entry.get("parts") or {}))


def words(language: str | None) -> Mapping[str, Any]:
    """The language's vocabulary, English filling any word it lacks."""
    return {**texts(DEFAULT_LANGUAGE)["words"], **texts(language_code(language))["words"]}


@lru_cache(maxsize=None)
def size_groups() -> frozenset[str]:
    """Option groups that are a size, named in any language we have ("size", "tamaño"): a
    catalog's group names are in its own language, whatever language a text is written in."""
    return frozenset(name for path in _DIR.glob("*.json")
                     for name in json.loads(path.read_text(encoding="utf-8"))["words"].get("size_groups", []))


def locale(language: str | None, region: str | None = None) -> str:
    """The babel locale for prices: language plus the shop's region (`es_MX`) when CLDR knows
    it, else the language file's default (`es_ES`)."""
    from babel import Locale, UnknownLocaleError

    code = language_code(language)
    if region:
        try:
            return str(Locale.parse(f"{code}_{region.upper()}"))
        except (UnknownLocaleError, ValueError):
            pass
    return texts(code).get("locale", code)
