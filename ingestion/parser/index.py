"""The catalog index: phrase -> entities, and typo correction, both independent of catalog size.

Every lookup is a dict access keyed by the message's own words, so a catalog of 100,000 products
answers as fast as one of 100; nothing here scans the catalog per message.
"""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from rapidfuzz.distance import DamerauLevenshtein

from .text import words

if TYPE_CHECKING:
    from .catalog import Catalog

# Entities are small tuples: ("product", sku), ("option", group, code), ("qualifier", code),
# ("group", name).
Entity = tuple

# Typos are corrected only in words this long: shorter ones have too many neighbours.
FUZZY_MIN_LENGTH = 4
# One slip in a three-letter stem ("com" of "comes" vs "cok" of "coke") is too much of the word.
MIN_SIMILARITY = 0.75
# A head word shared by more products than this is too vague to offer as candidates.
MAX_PARTIAL_CANDIDATES = 6


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class CatalogIndex:
    def __init__(self, catalog: "Catalog"):
        lang = catalog.language
        self._stem = lang.stem
        phrases: dict[tuple[str, ...], set] = defaultdict(set)
        heads: dict[str, set] = defaultdict(set)
        inner: dict[str, set] = defaultdict(set)     # any word of a multi-word product name
        self.value_products: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.prenominal: set[tuple[str, ...]] = set()
        head_first = lang.head_word == "first"
        qualifier_codes: dict[tuple[str, ...], str] = {}

        def key(phrase: str) -> tuple[str, ...]:
            return tuple(self._stem(w) for w in words(phrase))

        said_in_full: set[tuple[str, ...]] = set()

        written: set[str] = set()

        def add(phrase: str, entity: Entity) -> tuple[str, ...]:
            written.add(phrase)
            k = key(phrase)
            if k:
                phrases[k].add(entity)
                said_in_full.add(k)
                if len(k) > 1:
                    heads[k[0] if head_first else k[-1]].add(entity)
                    if entity[0] == "product":
                        for w in k:
                            inner[w].add(entity)
            return k

        for product in catalog.products:
            for name in (product.name, *product.aliases):
                add(name, ("product", product.sku))
            for group in product.groups:
                add(group.name, ("group", group.name))
                for value in group.values:
                    self.value_products[(group.name, value.code)].append(product.sku)
                    for name in (value.name, *value.aliases):
                        k = add(name, ("option", group.name, value.code))
                        # "party size" is also just "party", but only right before a product
                        # ("six lunch pizzas"), never alone ("for the party").
                        if len(k) > 1 and words(name)[-1] in lang.size_words:
                            phrases[k[:-1]].add(("option", group.name, value.code))
                            self.prenominal.add(k[:-1])
                for qualifier in group.qualifiers:
                    for alias in qualifier.aliases:
                        qualifier_codes[words(alias)] = qualifier.code
        # A shop that says "extra" also understands the language's synonyms ("more", "double").
        for synonyms in lang.qualifier_synonyms:
            code = next((qualifier_codes[w] for w in synonyms if w in qualifier_codes), None)
            for w in synonyms:
                qualifier_codes.setdefault(w, code) if code else None
        for w, code in qualifier_codes.items():
            phrases[tuple(self._stem(x) for x in w)].add(("qualifier", code))

        self.phrases = {k: tuple(sorted(v)) for k, v in phrases.items()}
        self.prenominal -= said_in_full        # "personal" is also a name of its own
        self.max_phrase = min(8, max((len(k) for k in self.phrases), default=1))
        # First word -> the longest phrase starting with it, so a lookup tries only real lengths.
        self.starts: dict[str, int] = {}
        for k in self.phrases:
            self.starts[k[0]] = min(self.max_phrase, max(self.starts.get(k[0], 0), len(k)))
        # Head words ("latte" of "caffe latte") are weaker matches; only those that are not
        # whole phrases themselves are kept.
        # Sorted tuples for a stable first choice, frozensets for cheap intersections.
        self.heads = {w: (tuple(sorted(v)), frozenset(v)) for w, v in heads.items() if (w,) not in self.phrases}
        # "margarita" for "margarita pizza": any word of a product name, weaker still.
        self.inner = {w: (tuple(sorted(v)), frozenset(v)) for w, v in inner.items()
                      if (w,) not in self.phrases and w not in self.heads}
        self.vocabulary = frozenset(w for k in self.phrases for w in k)
        # Catalog words as written (not stemmed) also take part in typo correction.
        self._written = {w: self._stem(w) for name in written for w in words(name)
                         if self._stem(w) != w}
        self._deletes = delete_index(self.vocabulary | self._written.keys())
        self._corrections: dict[tuple[str, int], tuple[str, float] | None] = {}

    def correct(self, stem: str, said: str) -> tuple[str, float] | None:
        """The catalog word (as a stem) a typo most likely means, with a similarity, or None.

        Both the stem and the word as written are looked up, against the catalog's stems and its
        words as written, so "peppes" finds "peppers" even though their stems differ more."""
        key = (stem, said)
        if key not in self._corrections:
            found = None
            for query in dict.fromkeys((stem, said)):
                hit = nearest(query, len(said), self._deletes, lambda c: (self._stem_of(c),) in self.phrases,
                              lambda c: self.phrases.get((self._stem_of(c),), self._stem_of(c)))
                if hit:
                    # Judge the match by the word as said: "pease" is not exactly "peas".
                    similarity = min(hit[1], _similarity(said, hit[0]))
                    if found is None or similarity > found[1]:
                        found = (self._stem_of(hit[0]), similarity)
            if len(self._corrections) < 100_000:
                self._corrections[key] = found
            return found
        return self._corrections[key]

    def _stem_of(self, word: str) -> str:
        return self._written.get(word, word)


def _similarity(a: str, b: str) -> float:
    return round(1 - DamerauLevenshtein.distance(a, b) / max(len(a), len(b), 1), 3)


def delete_index(vocabulary) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for w in vocabulary:
        if len(w) >= FUZZY_MIN_LENGTH - 1 and w.isalpha():
            index[w].add(w)
            for d in _deletes(w):
                index[d].add(w)
    return index


def nearest(word: str, said_length: int, deletes: dict[str, set[str]], whole=lambda c: True, meaning=lambda c: c):
    """The indexed word a typo most likely means, with a similarity in (0, 1), or None.

    Symmetric one-delete neighbourhoods find insertions, deletions, substitutions and swaps with
    a handful of dict lookups. Short words keep their first letter when mistyped far more often
    than not (without that rule "ring" would become "wing"). Among equally close words, one that
    is a whole name on its own wins; a remaining tie gives None.
    """
    if said_length < FUZZY_MIN_LENGTH or not word.isalpha():
        return None
    candidates = set(deletes.get(word, ()))
    for d in _deletes(word):
        candidates |= deletes.get(d, set())
    limit = 1 if said_length < 7 else 2
    scored = sorted((DamerauLevenshtein.distance(word, c), not whole(c), c) for c in candidates)
    scored = [x for x in scored if x[0] <= limit and (said_length >= 7 or x[2][0] == word[0])]
    if not scored:
        return None
    tied = [x for x in scored if x[:2] == scored[0][:2]]
    if len({meaning(x[2]) for x in tied}) > 1:     # equally close words that mean different things
        return None
    distance, _, best = scored[0]
    similarity = round(1 - distance / max(len(word), len(best)), 3)
    return (best, similarity) if similarity >= MIN_SIMILARITY else None
