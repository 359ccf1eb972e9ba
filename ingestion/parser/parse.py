"""`parse(text, catalog) -> Draft`: the one entry point for free text. Never raises."""
from __future__ import annotations

import logging

from . import confidence as C
from .catalog import Catalog
from .contact import extract
from .draft import CONTACT_DETAILS, ORDER, OTHER, Draft
from .intent import ABOUT_PLACED, SELF_CORRECTION, cues, detect
from .items import assemble
from .lexer import NUM, OPTION, PRODUCT, QUAL, SEP, UNKNOWN, lex
from .resolve import resolve
from .text import MAX_CHARS, clean, tokenize

log = logging.getLogger(__name__)


def parse(text: object, catalog: Catalog) -> Draft:
    """The draft order one customer message describes, with its confidence.

    Any input gives a draft; an internal failure gives an empty draft with confidence 0 (and is
    logged), so one strange message can never stop the ingestion worker.
    """
    try:
        return _parse(text, catalog)
    except Exception:  # the contract is "never raises"; the log keeps the evidence
        log.exception("parser failed on a message")
        return Draft(confidence=0.0, clarifications=[catalog.language.question("empty_order")])


def _parse(text: object, catalog: Catalog) -> Draft:
    lang = catalog.language
    raw = text if isinstance(text, str) else ("" if text is None else str(text))
    cleaned = clean(raw)
    contact, note, remaining = extract(cleaned, lang, catalog.shop.region, catalog.index.phrases)
    tokens = tokenize(remaining)
    units = lex(tokens, catalog)
    notes, note_tokens = _note_clauses(units, tokens, remaining)
    assembly = assemble(units, tokens, catalog)
    # Unknown words in a clause that names nothing from the catalog are a note, not a doubt.
    for item in assembly.items:
        item.unknown = [i for i in item.unknown if i not in note_tokens]
    assembly.unknown = [i for i in assembly.unknown if i not in note_tokens]
    result = resolve(assembly, tokens, remaining, catalog)

    norms = [t.norm for t in tokens]
    looks_like_order = bool(result.unparsed) or any(u.kind in (PRODUCT, OPTION) for u in units)
    found = cues(norms, lang)
    intent = detect(found, bool(result.lines), looks_like_order)
    if intent == OTHER and (contact.name or contact.phone or contact.address):
        intent = CONTACT_DETAILS
    if intent in ABOUT_PLACED:
        # About an order already placed ("where is my pizza?"): items named are not a new order.
        result.lines.clear()
        result.clarifications.clear()
        result.choices.clear()
    factors = list(result.factors)
    ordinary_unknown = sum(1 for u in units if u.kind == UNKNOWN and u.start not in note_tokens)
    item_like = sum(len(item.unknown) for item in assembly.items) + len(assembly.unknown)
    factors.append(C.UNKNOWN_ORDINARY ** max(0, ordinary_unknown - item_like))
    factors += [C.TYPO_EVERYDAY for u in units if u.score < 1.0 and u.kind not in (PRODUCT, OPTION, QUAL)]
    if SELF_CORRECTION in found:
        factors.append(C.SELF_CORRECTION)
    if len(raw) > MAX_CHARS:
        factors.append(C.TRUNCATED)
    if intent != ORDER:
        factors.append(C.QUESTION)
    if cleaned.rstrip().endswith("?"):
        factors.append(C.QUESTION)
    confidence = 0.0
    if result.lines:
        confidence = C.combine(min(line.confidence for line in result.lines), factors)
    clarifications = list(result.clarifications)
    if intent == ORDER and not result.lines and not clarifications:
        clarifications.append(lang.question("empty_order"))
    note_text = " ".join(x for x in (*notes, note) if x) or None
    return Draft(result.lines, contact, note_text, round(confidence, 3), result.unparsed,
                 clarifications, intent, result.choices)


def _note_clauses(units, tokens, text) -> tuple[list[str], set[int]]:
    """Clauses with words but nothing from the catalog ("ring the bell twice")."""
    notes: list[str] = []
    note_tokens: set[int] = set()
    clause: list = []
    for u in [*units, None]:
        if u is not None and u.kind != SEP:
            clause.append(u)
            continue
        if clause and not any(x.kind in (PRODUCT, OPTION, NUM) for x in clause) \
                and sum(x.kind == UNKNOWN for x in clause) >= 2:
            notes.append(text[tokens[clause[0].start].start:tokens[clause[-1].end - 1].end].strip())
            note_tokens.update(i for x in clause for i in range(x.start, x.end))
        clause = []
    return notes, note_tokens
