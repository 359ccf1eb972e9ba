"""From tokens to units: each stretch of the message labelled as a quantity, product, option,
qualifier, negation, joiner, filler or unknown word. Longest phrase wins; the catalog wins ties."""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein

from . import language as L
from .catalog import Catalog
from .text import Token

# Unit kinds.
NUM, MULT, VAGUE = "num", "mult", "vague"
PRODUCT, OPTION, QUAL, GROUP = "product", "option", "qualifier", "group"
NEG, ADD, CONTRAST, CONJ, SEP, FILLER, UNKNOWN = "neg", "add", "contrast", "conj", "sep", "filler", "unknown"
DIST, RESTATE = "distributive", "restatement"

_LANG_KIND = {L.FILLER: FILLER, L.DISTRIBUTIVE: DIST, L.RESTATEMENT: RESTATE, L.CONJ: CONJ, L.CONTRAST: CONTRAST, L.ADDITION: ADD, L.NEG: NEG,
              L.VAGUE: VAGUE, L.NUMBER: NUM, L.ARTICLE: NUM, L.SIZE_WORD: GROUP}
_PUNCT_KIND = {",": CONJ, "&": CONJ, "+": CONJ, "#": FILLER}
TYPO_IN_WORD = 0.999   # marks a corrected everyday word; parse() prices it per draft


@dataclass(slots=True)
class Unit:
    kind: str
    start: int                 # token index, inclusive
    end: int                   # token index, exclusive
    value: object = None       # entities, a number, ...
    score: float = 1.0         # 1.0 exact; lower for typo-corrected or partial matches
    partial: bool = False      # matched by a head word only ("latte" for "caffe latte")
    explicit: bool = True      # for NUM: said as a number, not an article ("a", "an")
    function_word: bool = False  # a catalog word that is also an everyday word ("can")
    weak: bool = False         # a product named by a non-head word ("birthday" of "birthday cake")
    prenominal: bool = False   # counts only before a product ("lunch" of "lunch size")
    pool: frozenset | None = None  # partial matches: the candidates as a set, to intersect cheaply


def lex(tokens: list[Token], catalog: Catalog) -> list[Unit]:
    lang, index = catalog.language, catalog.index
    norms = [t.norm for t in tokens]
    keys, scores = _keys(tokens, norms, lang, index)

    units: list[Unit] = []
    i, n = 0, len(tokens)
    while i < n:
        norm = norms[i]
        if keys[i] is None:
            units.append(Unit(SEP if tokens[i].is_separator else _PUNCT_KIND[norm], i, i + 1))
            i += 1
            continue
        best = _catalog_match(keys, i, index)
        lang_unit = _language_match(norms, keys, i, lang)
        num_unit = _number_match(norms, keys, i, lang)
        if best is not None and lang_unit is not None and lang_unit.kind == FILLER:
            lang_unit = None                 # an everyday phrase never hides a catalog word
        for candidate in (num_unit, lang_unit):
            if candidate and (best is None or candidate.end > best.end):
                best = candidate
        if best is not None and best.kind in (PRODUCT, OPTION) and best.end == i + 1 \
                and lang.phrases.get((norm,), ("",))[0] == L.FILLER:
            best.function_word = True        # "can" (a container) in "can i get ..."
        if best is None:
            best = _partial_or_unknown(keys[i], i, index)
        if scores[i] < 1.0:
            best.score = min(scores[best.start:best.end])
        units.append(best)
        i = best.end
    return _joined_partials([_weak_checked(units, j) for j in range(len(units))])


def _joined_partials(units: list[Unit]) -> list[Unit]:
    """Neighbouring partial product words narrow each other down: "blue scarf" is the products
    named with both words ("blue wool scarf"), not every blue thing and every scarf."""
    out: list[Unit] = []
    for u in units:
        prev = out[-1] if out else None
        if (prev is not None and u.kind == PRODUCT and prev.kind == PRODUCT and u.partial and prev.partial
                and prev.end == u.start):
            both = (prev.pool or frozenset(prev.value)) & (u.pool or frozenset(u.value))
            if both:
                out[-1] = Unit(PRODUCT, prev.start, u.end, tuple(sorted(both)), min(prev.score, u.score), True,
                               pool=both)
                continue
        out.append(u)
    return out


def _weak_checked(units: list[Unit], j: int) -> Unit:
    """Weak readings need support from their neighbours. A product named only by a non-head
    word counts right after a quantity or an option ("a margarita", "big margarita"), not in
    passing ("happy birthday on the cup"); a typo-corrected word counts unless it follows a
    sentence break or an unknown word with nothing from the catalog after it ("please write")."""
    u = units[j]
    if u.prenominal:
        nxt = next((p.kind for p in units[j + 1:] if p.kind not in (FILLER, OPTION, QUAL)), None)
        return u if nxt == PRODUCT else Unit(FILLER, u.start, u.end)
    if not u.weak and (u.score >= 1.0 or u.partial):
        return u
    prev = next((p.kind for p in reversed(units[:j]) if p.kind != FILLER), None)
    if u.weak:
        chained = j > 0 and units[j - 1].kind == PRODUCT and units[j - 1].partial   # "maroon flannel ..."
        return u if prev in (NUM, OPTION, QUAL) or chained else Unit(UNKNOWN, u.start, u.end, True)
    nxt = next((p.kind for p in units[j + 1:] if p.kind != FILLER), None)
    if prev in (SEP, UNKNOWN) and nxt not in (PRODUCT, OPTION):
        return Unit(UNKNOWN, u.start, u.end, False)
    return u


def _keys(tokens: list[Token], norms: list[str], lang, index) -> tuple[list[str | None], list[float]]:
    """Each token's catalog key (its stem; None for punctuation) and how sure the spelling is.

    A word known to neither the catalog nor the language is a typo candidate: the closest catalog
    word and the closest everyday word compete on similarity, context settling ties. A corrected
    everyday word replaces its `norms` entry so the language lists see it ("wihtout")."""
    keys: list[str | None] = []
    scores: list[float] = []
    for i, t in enumerate(tokens):
        if t.is_separator or t.norm in _PUNCT_KIND:
            keys.append(None)
            scores.append(1.0)
            continue
        stem, score = lang.stem(t.norm), 1.0
        if stem not in index.vocabulary and (t.norm,) not in lang.phrases and lang.number(t.norm) is None:
            fixed = index.correct(stem, t.norm)
            word = lang.correct(t.norm)
            word_similarity = _similarity(t.norm, word) if word else 0.0
            if fixed and (fixed[1] > word_similarity or (
                    fixed[1] == word_similarity and _item_context(tokens, i, lang, index))):
                stem, score = fixed
            elif word:
                norms[i] = word
                stem, score = lang.stem(word), TYPO_IN_WORD
        keys.append(stem)
        scores.append(score)
    return keys, scores


def _similarity(a: str, b: str) -> float:
    return round(1 - DamerauLevenshtein.distance(a, b) / max(len(a), len(b)), 3)


def _item_context(tokens: list[Token], i: int, lang, index) -> bool:
    """Right after a quantity or right before a catalog word: where item words are said."""
    before = tokens[i - 1].norm if i else ""
    after = tokens[i + 1].norm if i + 1 < len(tokens) else ""
    return (lang.phrases.get((before,), ("",))[0] in (L.ARTICLE, L.NUMBER) or before.isdigit()
            or lang.number(before) is not None or lang.stem(after) in index.vocabulary)


def _catalog_match(keys, i, index) -> Unit | None:
    for length in range(min(index.starts.get(keys[i], 0), len(keys) - i), 0, -1):
        span = keys[i:i + length]
        if None in span:
            continue
        entities = index.phrases.get(tuple(span))
        if entities:
            kinds = {e[0] for e in entities}
            # A phrase that is both a product and an option (e.g. "cheese") is kept as both;
            # the assembler decides by context. Products win the label.
            kind = PRODUCT if "product" in kinds else OPTION if "option" in kinds else \
                QUAL if "qualifier" in kinds else GROUP
            return Unit(kind, i, i + length, entities, prenominal=tuple(span) in index.prenominal)
    return None


def _language_match(norms, keys, i, lang) -> Unit | None:
    for length in range(min(lang.starts.get(norms[i], 0), len(norms) - i), 0, -1):
        if None in keys[i:i + length]:
            continue
        hit = lang.phrases.get(tuple(norms[i:i + length]))
        if hit:
            kind, value = hit
            return Unit(_LANG_KIND[kind], i, i + length, value, explicit=kind != L.ARTICLE)
    return None


def _number_match(norms, keys, i, lang) -> Unit | None:
    norm = norms[i]
    if norm[:-1].isdigit() and norm[-1] in lang.multiplier_letters:       # "2x"
        return Unit(NUM, i, i + 1, lang.number(norm[:-1]))
    if norm in lang.multiplier_letters and i + 1 < len(norms) and norms[i + 1].isdigit():
        return Unit(MULT, i, i + 2, lang.number(norms[i + 1]))             # "x 2", "x2"
    if norm.replace(".", "", 1).replace(",", "", 1).isdigit() and not norm.isdigit():
        return Unit(NUM, i, i + 1, None)                                     # "1.5": unreadable
    value = lang.number(norm)
    if value is None:
        return None
    end = i + 1
    if not norm.isdigit():
        # Extend over "twenty five", "one hundred and two" while the words still read as one number.
        j = i + 1
        while j < len(norms) and keys[j] is not None and (
                lang.number(norms[j]) is not None or norms[j] in lang.number_connectors):
            j += 1
            if norms[j - 1] in lang.number_connectors:
                continue
            longer = lang.number(" ".join(norms[i:j]))
            if longer is None or norms[j - 1].isdigit():
                break
            value, end = longer, j
    return Unit(NUM, i, end, value)


def _partial_or_unknown(key: str, i: int, index) -> Unit:
    found = index.heads.get(key)
    if found:
        entities, pool = found
        products = tuple(e for e in entities if e[0] == "product")
        if products:
            return Unit(PRODUCT, i, i + 1, products, score=0.85, partial=True,
                        pool=pool if len(products) == len(entities) else frozenset(products))
        return Unit(OPTION, i, i + 1, entities, score=0.85, partial=True)
    found = index.inner.get(key)
    if found:
        return Unit(PRODUCT, i, i + 1, found[0], score=0.8, partial=True, weak=True, pool=found[1])
    return Unit(UNKNOWN, i, i + 1, key in index.vocabulary)
