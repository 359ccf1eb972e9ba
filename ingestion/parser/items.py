"""Grouping units into line items: which quantity, product and options belong together.

A quantity starts an item; a product names it; options attach to the item being described.
Options after "and" are held back for a moment: "a pizza with ham and large coke" gives "large"
to the coke, "a pizza with ham and olives" gives "olives" to the pizza.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .lexer import (ADD, CONJ, CONTRAST, DIST, FILLER, RESTATE, GROUP, MULT, NEG, NUM, OPTION, PRODUCT, QUAL, SEP,
                    UNKNOWN, VAGUE, Unit)
from .text import Token


@dataclass(slots=True)
class Mention:
    """One option as said: its candidate entities and how it was said."""
    unit: Unit
    said: str = ""                     # the words as folded text ("med"), for abbreviations
    qualifier: tuple | None = None     # qualifier entities said just before it ("extra")
    negated: bool = False
    loose_negation: bool = False       # "no onions and olives": was "olives" meant negated too?
    for_all: bool = False              # "... both medium": for every part of a split quantity


@dataclass(slots=True)
class RawItem:
    start: int
    end: int
    quantity: int | None = None
    explicit: bool = False             # a number was said (not "a"/"an", not nothing)
    vague: bool = False                # "some pizzas"
    unreadable: bool = False           # "1.5 pizzas"
    head: Unit | None = None
    options: list[Mention] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)    # token indexes of item-looking unknown words
    repeated_head: bool = False        # "... and ham pizza" after "a pizza": read as one item
    pronoun: bool = False              # "a large one": another of the product just named
    after_word_conjunction: bool = False   # "... and three with cheese" (not ", one warmed")
    starts_listing: bool = False       # right after a product or a comma: "2 pizzas: a large ..."
    restated: bool = False             # quantity changed afterwards ("make it 2")

    def cover(self, unit: Unit) -> None:
        self.start, self.end = min(self.start, unit.start), max(self.end, unit.end)


@dataclass(slots=True)
class Assembly:
    items: list[RawItem]
    unknown: list[int]                 # unknown words outside any item
    excluded: list[Unit]               # products said with a negation ("no drinks")


def _next_kind(units: list[Unit], i: int, skip=(FILLER,)) -> str | None:
    for u in units[i + 1:]:
        if u.kind not in skip:
            return u.kind
    return None


def _previous_kind(units: list[Unit], i: int, skip=(FILLER,)) -> str | None:
    for u in reversed(units[:i]):
        if u.kind not in skip:
            return u.kind
    return None


def _offers(item_head: Unit | None, mention: Mention, catalog) -> bool:
    if item_head is None:
        return True
    skus = [e[1] for e in item_head.value if e[0] == "product"]
    options = [e for e in mention.unit.value if e[0] == "option"]
    return any(catalog.by_sku[s].offers(e[1], e[2]) for s in skus for e in options)


def assemble(units: list[Unit], tokens: list[Token], catalog) -> Assembly:
    lang = catalog.language
    items: list[RawItem] = []
    loose_unknown: list[int] = []
    excluded: list[Unit] = []
    cur: RawItem | None = None
    buffer: list[Mention] = []
    # Negation state: None; "fresh" right after "no"/"without"; "loose" after a negated option
    # (the next one may or may not be meant); "strict" after "or" ("no onions or olives").
    neg: str | None = None
    after_conj = False
    qualifier: tuple | None = None
    last_unknown_item_like = False
    for_all = False

    def new_item(unit: Unit) -> RawItem:
        nonlocal cur, after_conj
        flush()
        cur = RawItem(unit.start, unit.end)
        items.append(cur)
        after_conj = False
        return cur

    def flush() -> None:
        if cur is not None and buffer:
            cur.options.extend(buffer)
            for m in buffer:
                cur.cover(m.unit)
        buffer.clear()

    for i, u in enumerate(units):
        k = u.kind
        if k == OPTION and any(e[0] == "qualifier" for e in u.value) and _next_kind(units, i) == OPTION:
            k = QUAL                                    # "double vanilla": "double" qualifies here
            u = Unit(QUAL, u.start, u.end, tuple(e for e in u.value if e[0] == "qualifier"))
        if k == PRODUCT and _reads_as_option(u, cur, units, i, catalog):
            k = OPTION
            u = Unit(OPTION, u.start, u.end, tuple(e for e in u.value if e[0] == "option"), u.score, u.partial)
        if k == NUM:
            if _next_kind(units, i) == GROUP:          # "a two topping pizza": not a quantity
                continue
            if not u.explicit and neg == "fresh":       # "without a thin crust": not a new item
                continue
            if (u.explicit and cur is not None and cur.head is not None
                    and _previous_kind(units, i) == RESTATE
                    and _next_kind(units, i, (FILLER, SEP, CONJ)) is None):
                cur.quantity, cur.restated = u.value, True  # "a large pizza ... make it 2"
                cur.unreadable = u.value is None
                continue
            if (u.explicit and cur is not None and cur.head is not None and cur.quantity is None
                    and _previous_kind(units, i, (FILLER, CONJ)) == PRODUCT
                    and _next_kind(units, i, (FILLER, CONJ, OPTION, QUAL, ADD)) not in (PRODUCT, NUM)):
                cur.quantity, cur.explicit = u.value, True   # "wings, a dozen, bbq"
                cur.unreadable = u.value is None
                cur.cover(u)
                continue
            if (cur is not None and cur.head is None and i and units[i - 1].kind == OPTION
                    and tokens[u.start].norm in lang.pronoun_numbers
                    and _next_kind(units, i) not in (OPTION, PRODUCT, QUAL, NUM)):
                cur.pronoun = True                      # "a large one": "one" stands for a product
                cur.cover(u)
                continue
            joiner = units[i - 1] if i and units[i - 1].kind == CONJ else None
            item = new_item(u)
            item.quantity, item.explicit, item.unreadable = u.value, u.explicit, u.value is None
            item.after_word_conjunction = joiner is not None and tokens[joiner.start].norm.isalpha()
            item.starts_listing = bool(i) and units[i - 1].kind in (PRODUCT, CONJ, SEP)
            neg, qualifier, for_all = None, None, False
        elif k == MULT:
            target = cur if cur is not None and cur.head is not None else new_item(u)
            target.quantity, target.explicit = u.value, True
            target.cover(u)
        elif k == VAGUE:
            if _next_kind(units, i, (FILLER, OPTION, QUAL, CONJ)) == PRODUCT:
                item = new_item(u)
                item.vague = True
        elif k == PRODUCT:
            if neg == "fresh":
                excluded.append(u)
                neg = None
                continue
            skus = {e[1] for e in u.value if e[0] == "product"}
            if cur is None:
                new_item(u).head = u
            elif cur.head is None:
                cur.head = u
                cur.cover(u)
            elif skus & {e[1] for e in cur.head.value}:
                # The same product again with no quantity of its own is the same item:
                # "a pizza pie", "a large pie with pesto and ham pizza".
                cur.cover(u)
                cur.repeated_head = cur.repeated_head or after_conj
                flush()
            else:
                previous, held = cur, list(buffer)
                buffer.clear()
                item = new_item(u)
                item.head = u
                for m in held:                           # prenominal options go to the new product
                    owner = item if _offers(u, m, catalog) else previous
                    owner.options.append(m)
                    owner.cover(m.unit)
            neg, qualifier, after_conj = None, None, False
        elif k == OPTION:
            said = " ".join(t.norm for t in tokens[u.start:u.end])
            mention = Mention(u, said, qualifier, neg in ("fresh", "strict"), neg == "loose", for_all)
            neg = "loose" if mention.negated else None
            qualifier = None
            if cur is None:
                new_item(u)
            if after_conj and cur.head is not None:
                buffer.append(mention)
            else:
                cur.options.append(mention)
                cur.cover(u)
        elif k == QUAL:
            qualifier = u.value
        elif k == DIST:
            for_all = True
        elif k == NEG:
            neg = "fresh"
        elif k in (ADD, CONTRAST):
            if neg != "fresh":                          # "do not add ham": still negated
                neg = None
            flush()
            after_conj = False
        elif k in (CONJ, SEP):
            if neg == "loose" and tokens[u.start].norm in lang.negation_continuers:
                neg = "strict"
            if k == SEP:
                neg, qualifier = None, None
            flush()
            after_conj = cur is not None and cur.head is not None
        elif k == UNKNOWN:
            nxt = _next_kind(units, i)
            prev = units[i - 1].kind if i else None
            headless = cur is not None and cur.head is None
            item_like = (u.value or nxt in (PRODUCT, OPTION) or prev in (NUM, QUAL, ADD, NEG)
                         or (headless and prev == OPTION) or (prev == UNKNOWN and last_unknown_item_like))
            last_unknown_item_like = bool(item_like)
            if item_like:
                (cur.unknown if cur is not None else loose_unknown).append(u.start)
    flush()
    return Assembly(items, loose_unknown, excluded)


def _reads_as_option(u: Unit, cur: RawItem | None, units: list[Unit], i: int, catalog) -> bool:
    """A word that is both a product and an option ("cheese") is an option when it describes
    the item at hand or a product that follows."""
    if not any(e[0] == "option" for e in u.value):
        return False
    if _next_kind(units, i, (FILLER, OPTION, CONJ, QUAL)) == PRODUCT:
        return True
    if cur is not None and cur.head is not None:
        m = Mention(Unit(OPTION, u.start, u.end, tuple(e for e in u.value if e[0] == "option")))
        return _offers(cur.head, m, catalog)
    return False
