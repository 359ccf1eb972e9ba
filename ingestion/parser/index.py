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

        def add(phrase: str, entity: Entity) -> tuple[str, ...]:
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
        self.heads = {w: tuple(sorted(v)) for w, v in heads.items() if (w,) not in self.phrases}
        # "margarita" for "margarita pizza": any word of a product name, weaker still.
        self.inner = {w: tuple(sorted(v)) for w, v in inner.items()
                      if (w,) not in self.phrases and w not in self.heads}
        self.vocabulary = frozenset(w for k in self.phrases for w in k)
        self._deletes: dict[str, set[str]] = defaultdict(set)
        for w in self.vocabulary:
            if len(w) >= FUZZY_MIN_LENGTH and w.isalpha():
                self._deletes[w].add(w)
                for d in _deletes(w):
                    self._deletes[d].add(w)
        self._corrections: dict[str, tuple[str, float] | None] = {}

    def correct(self, stem: str) -> tuple[str, float] | None:
        """The catalog word a typo most likely means, with a similarity in (0, 1), or None.

        Symmetric one-delete neighbourhoods find insertions, deletions, substitutions and
        swaps with a handful of dict lookups; ties between different words give None.
        """
        if stem in self._corrections:
            return self._corrections[stem]
        result = None
        if len(stem) >= FUZZY_MIN_LENGTH and stem.isalpha():
            candidates = set(self._deletes.get(stem, ()))
            for d in _deletes(stem):
                candidates |= self._deletes.get(d, set())
            scored = sorted((DamerauLevenshtein.distance(stem, c), c) for c in candidates)
            # Short words keep their first letter when mistyped far more often than not; without
            # this "ring" would become "wing".
            scored = [(d, c) for d, c in scored if d <= (1 if len(stem) < 7 else 2)
                      and (len(stem) >= 7 or c[0] == stem[0])]
            if scored and (len(scored) == 1 or scored[1][0] > scored[0][0]):
                d, c = scored[0]
                result = (c, round(1 - d / max(len(stem), len(c)), 3))
        if len(self._corrections) < 100_000:
            self._corrections[stem] = result
        return result
