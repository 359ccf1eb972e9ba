"""Contact details in a message: phone (phonenumbers, the shop's region), name and delivery
address (cue words from the language file), and a note: the words after a note cue, and when
the customer wants it ("for saturday", "at 7:30pm", "mañana a las 8"), which goes into the note.
Each found span is blanked out of the text so its words are not read as items ("7pm" is no
quantity); offsets stay the same."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from .draft import Contact
from .language import Language

_MIN_PHONE_DIGITS = 6
_MAX_ADDRESS_CHARS = 120


@dataclass(frozen=True)
class _Patterns:
    names: list[tuple[re.Pattern, bool]]      # (pattern, needs a capital letter)
    address: re.Pattern
    weak_address: tuple[re.Pattern, ...]
    note: re.Pattern
    when: re.Pattern


def _alternation(phrases) -> str:
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))


@lru_cache(maxsize=None)
def _patterns(lang: Language) -> _Patterns:
    c = lang.contact
    word = r"[^\W\d_][\w'-]*"
    strict = set(c["strict_name_cues"])
    names = [(re.compile(rf"(?<!\w)(?:{_alternation([cue])})\s*,?\s+({word}(?:\s+{word})?)", re.I), cue in strict)
             for cue in c["name_cues"]]
    stop = rf"(?=\s*(?:[.!?;\n]|$)|,?\s+(?:{_alternation(c['address_stops'])})\b)"
    address = re.compile(rf"(?<!\w)(?:{_alternation(c['address_cues'])})\s*:?\s*(\S.*?){stop}", re.I)
    streets = _alternation(c["street_words"])
    units = _alternation(c["unit_words"])
    weak = _alternation(c["weak_address_cues"])
    tail = rf"(?:\s*,?\s*(?:{units})\.?\s*[\w-]+)?"
    weak_address = (
        re.compile(rf"(?<!\w)(?:{weak})\s+(\d+\w*\s+(?:{word}\s+){{1,4}}?(?:{streets})\b\.?{tail})", re.I),
        re.compile(rf"(?<!\w)(?:{weak})\s+((?:{streets})\.?\s+(?:{word}\s+){{1,4}}?\d+\w*{tail})", re.I),
    )
    note = re.compile(rf"(?<!\w)(?:{_alternation(c['note_cues'])})\s*:?\s+(\S.*)$", re.I | re.S)
    return _Patterns(names, address, weak_address, note, _when(c))


def _when(c: dict) -> re.Pattern:
    """A day or a clock time, with the word that introduces it: "for saturday at 7pm"."""
    clock = (rf"\d{{1,2}}(?::\d{{2}})?\s*(?:{_alternation(c['clock_suffixes'])})(?!\w)"
             r"|\d{1,2}:\d{2}(?!\d)")
    day = _alternation(c["when_words"])
    preps = _alternation(c["when_preps"])
    when = (rf"(?<!\w)(?:(?:{preps})\s+)?(?:(?:{day})(?!\w)(?:\s+(?:(?:{preps})\s+)?"
            rf"(?:{clock}))?|{clock})")
    if c["hour_preps"]:
        # A bare hour only where the words say it is one ("a las 8"); English "at 7" stays a
        # doubt (seven of something, or seven o'clock?) for a seller to read.
        when += rf"|(?<!\w)(?:{_alternation(c['hour_preps'])})\s+\d{{1,2}}(?![\d:])"
    return re.compile(when, re.I)


def extract(text: str, lang: Language, region: str, known_words) -> tuple[Contact, str | None, str]:
    """(contact, note, text with those spans blanked). `known_words` are the catalog's phrases:
    a "name" that is a product or option word ("this is large") is not a name."""
    contact = Contact()
    chars = list(text)

    def blank(start: int, end: int) -> None:
        for i in range(start, end):
            chars[i] = " "
        chars[start] = ";"          # a clause boundary where the detail was

    if sum(map(str.isdigit, text)) >= _MIN_PHONE_DIGITS:
        found = _phone(text, region or "US")
        if found:
            contact.phone = found[0]
            blank(found[1], found[2])
    p = _patterns(lang)
    note = None
    text_now = "".join(chars)
    m = p.note.search(text_now)
    if m:
        note = m.group(1).strip() or None
        blank(m.start(), len(text))
        text_now = "".join(chars)
    whens = [m for m in p.when.finditer(text_now)]
    for m in whens:
        blank(m.start(), m.end())
    if whens:
        text_now = "".join(chars)
        note = " ".join([*(m.group(0).strip() for m in whens), *([note] if note else [])])
    for pattern in (p.address, *p.weak_address):
        m = pattern.search(text_now)
        if m and len(m.group(1)) <= _MAX_ADDRESS_CHARS and any(ch.isdigit() for ch in m.group(1)):
            contact.address = m.group(1).strip(" ,.")
            blank(m.start(), m.end())
            text_now = "".join(chars)
            break
    for pattern, needs_capital in p.names:
        m = pattern.search(text_now)
        if m:
            name = _name(m.group(1), needs_capital, lang, known_words)
            if name:
                contact.name = name
                blank(m.start(), m.start(1) + len(name))
                break
    return contact, note, "".join(chars)


# Digit runs that could be a phone number; each is checked by phonenumbers directly, which is
# several times faster than its matcher (kept as the fallback for harder layouts).
_PHONE_LIKE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().\-/]{5,22}\d(?!\w)")


def _phone(text: str, region: str) -> tuple[str, int, int] | None:
    e164 = phonenumbers.PhoneNumberFormat.E164
    try:
        for m in _PHONE_LIKE.finditer(text):
            if sum(map(str.isdigit, m.group())) >= 7:
                number = phonenumbers.parse(m.group(), region)
                if phonenumbers.is_valid_number(number):
                    return phonenumbers.format_number(number, e164), m.start(), m.end()
        for match in phonenumbers.PhoneNumberMatcher(text, region):
            return phonenumbers.format_number(match.number, e164), match.start, match.end
    except Exception:  # phonenumbers on odd input (unknown region, absurd digits): no phone
        return None
    return None


def _name(said: str, needs_capital: bool, lang: Language, known_words) -> str | None:
    kept = []
    for i, w in enumerate(said.split()):
        folded = w.casefold()
        if (folded,) in lang.phrases or (lang.stem(folded),) in known_words or lang.number(folded) is not None:
            break
        if (needs_capital or i > 0) and not w[0].isupper():
            break
        kept.append(w)
    return " ".join(kept) or None
