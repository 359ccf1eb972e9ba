"""A language's word lists (lang/<code>.json) and the few operations built on them.

Everything that differs between English and Spanish is data; this module only reads it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from text_to_num import text2num

from .text import words

_LANG_DIR = Path(__file__).with_name("lang")
DEFAULT_LANGUAGE = "en"

# Kinds of language phrase, in increasing precedence when one phrase is listed twice.
FILLER, DISTRIBUTIVE, RESTATEMENT, CONJ, CONTRAST, ADDITION, NEG, VAGUE, NUMBER, ARTICLE, SIZE_WORD = (
    "filler", "distributive", "restatement", "conj", "contrast", "addition", "neg", "vague", "number", "article",
    "size_word")


@dataclass(frozen=True, eq=False)  # one instance per language: hashed by identity
class Language:
    code: str
    phrases: dict[tuple[str, ...], tuple[str, object]]   # folded words -> (kind, value)
    max_phrase: int
    qualifier_synonyms: tuple[frozenset[tuple[str, ...]], ...]
    negation_continuers: frozenset[str]
    number_connectors: frozenset[str]
    multiplier_letters: frozenset[str]
    size_words: frozenset[str]
    pronoun_numbers: frozenset[str]    # "one" in "a large one"
    intents: dict[str, frozenset[tuple[str, ...]]]
    contact: dict
    questions: dict[str, str]
    list_or: str
    head_word: str  # "last" (English "caffe latte") or "first" (Spanish "pan de queso")
    _stem_min: int = 4
    _plural: tuple[tuple[str, str], ...] = ()
    _keep: tuple[str, ...] = ()
    _final: tuple[tuple[str, str], ...] = ()
    _verb: tuple[tuple[str, str], ...] = ()
    _undouble: str = ""        # letters doubled before -ed/-ing ("wrapped"): stripped to one
    _numbers: dict = field(default_factory=dict, compare=False)
    _stems: dict = field(default_factory=dict, compare=False)
    _typo: dict = field(default_factory=dict, compare=False)
    typo_words: frozenset[str] = frozenset()   # single words worth correcting typos towards
    starts: dict = field(default_factory=dict, compare=False)   # first word -> longest phrase length

    def stem(self, word: str) -> str:
        """A crude, consistent stem: plural endings and a final vowel go, so that "pies"/"pie",
        "olives"/"olive", "grandes"/"grande" share one key. Only consistency matters here."""
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stem(word)
            if len(self._stems) < 200_000:
                self._stems[word] = stem
        return stem

    def _stem(self, word: str) -> str:
        if len(word) >= self._stem_min and not word.endswith(self._keep):
            for suffix, repl in self._plural:
                if word.endswith(suffix):
                    word = word[: -len(suffix)] + repl
                    break
        # "wrapped", "wrapping" -> "wrap"; "toasted" -> "toast" (at least three letters left).
        for suffix, repl in self._verb:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)] + repl
                if self._undouble and len(word) > 3 and word[-1] == word[-2] and word[-1] in self._undouble:
                    word = word[:-1]
                break
        if len(word) >= 3:
            for suffix, repl in self._final:
                if word.endswith(suffix):
                    return word[: -len(suffix)] + repl
        return word

    def number(self, phrase: str) -> int | None:
        """The integer a run of number words or digits means, or None."""
        cached = self._numbers.get(phrase, ...)
        if cached is not ...:
            return cached
        value: int | None = None
        listed = self.phrases.get((phrase,))
        if listed is not None and listed[0] not in (NUMBER, ARTICLE):
            pass                     # "unas" is a vague amount here, whatever text2num thinks
        elif phrase.isdigit():
            value = int(phrase[:9])
        else:
            try:
                parsed = text2num(phrase, self.code)
                value = parsed if isinstance(parsed, int) and parsed >= 0 else None
            except Exception:  # text2num raises ValueError and others on non-numbers
                value = None
        if len(self._numbers) < 50_000:
            self._numbers[phrase] = value
        return value

    def correct(self, word: str) -> str | None:
        """The language's own word a typo most likely means ("wihtout" -> "without")."""
        from .index import delete_index, nearest   # shared typo machinery

        if word in self._typo:
            return self._typo[word]
        if "\0deletes" not in self._typo:
            self._typo["\0deletes"] = delete_index(self.typo_words)
        found = nearest(word, len(word), self._typo["\0deletes"],
                        meaning=lambda w: self.phrases.get((w,), ("number", w)))
        result = found[0] if found else None
        if len(self._typo) < 100_000:
            self._typo[word] = result
        return result

    def join_choices(self, choices: list[str]) -> str:
        if len(choices) <= 1:
            return "".join(choices)
        return f"{', '.join(choices[:-1])} {self.list_or} {choices[-1]}"

    def question(self, key: str, **values: str) -> str:
        return self.questions[key].format(**values)


@lru_cache(maxsize=None)
def load(code: str | None) -> Language:
    """The language for a catalog's `shop.language`; unknown codes fall back to English."""
    code = (code or DEFAULT_LANGUAGE).lower().split("-")[0]
    path = _LANG_DIR / f"{code}.json"
    if not path.is_file():
        code, path = DEFAULT_LANGUAGE, _LANG_DIR / f"{DEFAULT_LANGUAGE}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    phrases: dict[tuple[str, ...], tuple[str, object]] = {}

    def put(kind: str, items, value=None) -> None:
        for item in items:
            key = words(item)
            if key:
                phrases[key] = (kind, value)

    put(FILLER, data["fillers"])
    put(DISTRIBUTIVE, data.get("distributives", []))
    put(RESTATEMENT, data.get("restatements", []))
    put(CONJ, data["conjunctions"])
    put(CONTRAST, data["contrasts"])
    put(ADDITION, data["additions"])
    put(NEG, data["negations"])
    put(VAGUE, data["vague_quantities"])
    put(SIZE_WORD, data["size_words"])
    for phrase, value in data["number_phrases"].items():
        put(NUMBER, [phrase], int(value))
    put(ARTICLE, data["articles"], 1)
    stemming = data["stemming"]
    starts: dict[str, int] = {}
    for key in phrases:
        starts[key[0]] = max(starts.get(key[0], 0), len(key))
    typo_words = frozenset(k[0] for k, (kind, _) in phrases.items() if len(k) == 1 and len(k[0]) >= 4) | \
        frozenset(data.get("number_words", []))
    return Language(
        starts=starts,
        typo_words=typo_words,
        code=code,
        phrases=phrases,
        max_phrase=max(len(k) for k in phrases),
        qualifier_synonyms=tuple(frozenset(words(p) for p in group) for group in data["qualifier_synonyms"]),
        negation_continuers=frozenset(data["negation_continuers"]),
        number_connectors=frozenset(data["number_connectors"]),
        multiplier_letters=frozenset(data["multiplier_letters"]),
        size_words=frozenset(data["size_words"]),
        pronoun_numbers=frozenset(data.get("pronoun_numbers", [])),
        intents={k: frozenset(words(p) for p in v) for k, v in data["intents"].items()},
        contact=data["contact"],
        questions=data["questions"],
        list_or=data["list_or"],
        head_word=data.get("head_word", "last"),
        _stem_min=int(stemming["min_length"]),
        _plural=tuple(tuple(x) for x in stemming["plural_suffixes"]),
        _keep=tuple(stemming["keep_endings"]),
        _final=tuple(tuple(x) for x in stemming["final_letters"]),
        _verb=tuple(tuple(x) for x in stemming.get("verb_suffixes", [])),
        _undouble=stemming.get("undouble_letters", ""),
    )
