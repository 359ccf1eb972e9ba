"""From raw items to draft lines: pick the product and each option's value, apply the catalog's
rules (choose-one, required, negatable, qualifiers) and note every doubt as a confidence factor
and, where the customer can settle it, a clarification question."""
from __future__ import annotations

from dataclasses import dataclass

from . import confidence as C
from .catalog import Catalog, Product
from .draft import DraftLine, DraftOption
from .items import Assembly, Mention, RawItem
from .lines import WorkLine, drop_summaries, split_breakdowns
from .text import Token, words

MAX_CHOICES_ASKED = 6
# Beyond this many products for an option, a product-less mention is asked about, not searched.
MAX_INFERRED_CANDIDATES = 2000


@dataclass(slots=True)
class Resolution:
    lines: list[DraftLine]
    clarifications: list[str]
    unparsed: list[str]
    factors: list[float]
    choices: list[dict]     # {"question", "options"}: answers a tap can give, word for word


def resolve(assembly: Assembly, tokens: list[Token], text: str, catalog: Catalog) -> Resolution:
    lang = catalog.language
    out: list[WorkLine] = []
    asks: list[str] = []
    unparsed: list[str] = []
    factors: list[float] = []

    choices: list[dict] = []

    def ask(question: str, options: list[str] | None = None) -> None:
        if question not in asks:
            asks.append(question)
            if options:
                choices.append({"question": question, "options": list(options)})

    for item in assembly.items:
        _note_unknown(item.unknown, tokens, text, unparsed, ask, lang)
        if item.head is None:
            item.options = [m for m in item.options if not m.unit.function_word]
            if not item.options:
                factors += [C.UNKNOWN_IN_ITEM] * len(item.unknown)
                if item.explicit and not item.unknown:
                    factors.append(C.STRAY_NUMBER)
                continue
            line = _headless(item, out, catalog, ask)
            if line is None:                              # unplaceable: its words are the doubt
                factors += [C.UNKNOWN_IN_ITEM] * max(1, len(item.unknown))
                continue
            if out and line is out[-1]:
                continue                                  # merged into the last line
        else:
            product, doubts = _choose_product(item, catalog, ask)
            line = WorkLine(product, item, 1, factors=doubts)
        line.factors += [C.UNKNOWN_MODIFIER] * len(item.unknown)
        if item.repeated_head:
            line.factors.append(C.REPEATED_PRODUCT)
        if item.restated:
            line.factors.append(C.RESTATED_QUANTITY)
        _quantity(line, item, lang, ask)
        for mention in item.options:
            previous = out[-1] if out and out[-1] is not line else None
            if previous is not None and not _fits(line.product, mention) and _fits(previous.product, mention) \
                    and not mention.unit.function_word:
                # "a latte and a croissant with oat milk": the milk is for the latte.
                previous.factors.append(C.MOVED_OPTION)
                _add_option(previous, mention, catalog)
                continue
            _add_option(line, mention, catalog)
        out.append(line)

    for u in assembly.excluded:
        factors.append(C.EXCLUDED_PRODUCT)
    _note_unknown(assembly.unknown, tokens, text, unparsed, ask, lang)
    factors += [C.UNKNOWN_OUTSIDE] * len(assembly.unknown)

    out = split_breakdowns(drop_summaries(out, lang.stem))
    lines = []
    for line in out:
        _check_groups(line, lang, ask)
        if len(out) > 3:
            line.factors.append(C.MANY_ITEMS ** (len(out) - 3))
        span = text[tokens[line.item.start].start:tokens[line.item.end - 1].end]
        lines.append(DraftLine(line.product.sku, line.product.name, line.quantity,
                               C.combine(C.BASE, line.factors), span, line.options))
    return Resolution(lines, asks, unparsed, factors, choices)


def _skus(unit) -> list[str]:
    return [e[1] for e in unit.value if e[0] == "product"]


def _fits(product: Product, mention: Mention) -> bool:
    return any(e[0] == "option" and product.offers(e[1], e[2]) for e in mention.unit.value)


def _choose_product(item: RawItem, catalog: Catalog, ask) -> tuple[Product, list[float]]:
    head = item.head
    skus = _skus(head)
    products = [catalog.by_sku[s] for s in skus[:MAX_INFERRED_CANDIDATES]]
    if len(products) > 1 and item.options:
        fitting = [p for p in products if all(_fits(p, m) for m in item.options)]
        products = fitting or products
    if len(products) > 1:
        names = [p.name for p in products[:MAX_CHOICES_ASKED]]
        ask(catalog.language.question("which_product", choices=catalog.language.join_choices(names)), names)
        return products[0], [C.AMBIGUOUS_PRODUCT]
    if head.partial:
        return products[0], [C.PARTIAL_PRODUCT]
    return products[0], [C.TYPO] if head.score < 1.0 else []


def _headless(item: RawItem, out: list[WorkLine], catalog: Catalog, ask) -> WorkLine | None:
    """Options with no product word: more about the last item, another of the same, or a product
    that only these options fit ("a large onion and tuna on thin crust")."""
    prev = out[-1] if out else None
    last_option = max(m.unit.end for m in item.options)
    if any(i >= last_option for i in item.unknown):
        return None     # an unknown word where the product goes ("one large coca-cola"): ask
    if prev is not None and (all(_fits(prev.product, m) for m in item.options) or (
            item.explicit and any(_fits(prev.product, m) for m in item.options))):
        listing = item.starts_listing and prev.item.explicit and prev.quantity > 1 and not prev.options
        if not item.explicit and not item.pronoun and not listing and not _conflicts(prev, item, catalog):
            prev.factors.append(C.MERGED_OPTIONS)
            for mention in item.options:
                _add_option(prev, mention, catalog)
            prev.item.end = max(prev.item.end, item.end)
            return prev
        return WorkLine(prev.product, item, 1, factors=[C.INFERRED_PRODUCT], part_of=prev.part_of or prev)
    candidates = _products_offering(item, catalog)
    lang = catalog.language
    if candidates is None:
        ask(lang.question("what_product", options=lang.join_choices([m.said for m in item.options][:3])))
        return None
    if not candidates:
        return None
    if len(candidates) > 1:
        named = _named_by(item, candidates, catalog)
        if named is not None:
            return named
    if len(candidates) > 1:
        names = sorted(catalog.by_sku[s].name for s in list(candidates)[:50])[:MAX_CHOICES_ASKED]
        said = lang.join_choices([m.said for m in item.options][:3])
        if len(candidates) > MAX_CHOICES_ASKED:
            ask(lang.question("what_product", options=said))
        else:
            ask(lang.question("which_product", choices=lang.join_choices(names)), names)
        return None
    return WorkLine(catalog.by_sku[next(iter(candidates))], item, 1, factors=[C.INFERRED_PRODUCT])


def _products_offering(item: RawItem, catalog: Catalog) -> set[str] | None:
    """SKUs offering every option said, or None when even the rarest option is offered by so many
    products that listing them would mean walking a large catalog ("large" in a big shop)."""
    said = []
    for mention in item.options:
        options = [e for e in mention.unit.value if e[0] == "option"]
        said.append((sum(len(catalog.index.value_products.get(e[1:], ())) for e in options), options))
    said.sort(key=lambda x: x[0])
    if said[0][0] > MAX_INFERRED_CANDIDATES:
        return None
    candidates = {sku for e in said[0][1] for sku in catalog.index.value_products.get(e[1:], ())}
    for _, options in said[1:]:
        candidates = {sku for sku in candidates if any(catalog.by_sku[sku].offers(e[1], e[2]) for e in options)}
    return candidates


def _named_by(item: RawItem, candidates: set[str], catalog: Catalog) -> WorkLine | None:
    """"two large pepperoni" where the shop sells a "pepperoni pizza": an option word that is
    also in exactly one candidate product's name names that product (and is not an option)."""
    stem = catalog.language.stem
    for mention in item.options:
        said = {stem(w) for w in mention.said.split()}
        named = [s for s in list(candidates)[:200]
                 if any(said <= {stem(w) for w in words(n)} for n in (catalog.by_sku[s].name, *catalog.by_sku[s].aliases))]
        if len(named) == 1:
            item.options = [m for m in item.options if m is not mention]
            return WorkLine(catalog.by_sku[named[0]], item, 1, factors=[C.INFERRED_PRODUCT])
    return None


def _conflicts(prev: WorkLine, item: RawItem, catalog: Catalog) -> bool:
    """Would these options give the previous line a second value in a choose-one group?"""
    taken = {o.group for o in prev.options if not o.negated}
    for mention in item.options:
        for e in mention.unit.value:
            if e[0] == "option" and prev.product.offers(e[1], e[2]):
                group = prev.product.group(e[1])
                if group and not group.choose_many and e[1] in taken and not mention.negated:
                    return True
                break
    return False


def _quantity(line: WorkLine, item: RawItem, lang, ask) -> None:
    if item.vague or item.unreadable or item.quantity == 0:
        line.factors.append(C.VAGUE_QUANTITY if item.vague else C.UNREADABLE_QUANTITY)
        ask(lang.question("quantity", product=line.product.name))
        line.quantity = 1
        return
    line.quantity = item.quantity or 1
    if line.quantity >= C.LARGE_QUANTITY_FROM:
        line.factors.append(C.LARGE_QUANTITY)


def _add_option(line: WorkLine, mention: Mention, catalog: Catalog) -> None:
    product, unit = line.product, mention.unit
    entities = [e for e in unit.value if e[0] == "option" and product.offers(e[1], e[2])]
    if not entities:
        if unit.function_word:
            return                              # an everyday word after all ("can i ...")
        abbreviated = _abbreviation(product, mention, catalog)
        if abbreviated is None:
            line.factors.append(C.INVALID_OPTION)
            return
        entities = [abbreviated]
        line.factors.append(C.ABBREVIATED_OPTION)
    elif len({(e[1], e[2]) for e in entities}) > 1:
        line.factors.append(C.AMBIGUOUS_OPTION)
    if unit.partial:
        line.factors.append(C.PARTIAL_OPTION)
    elif unit.score < 1.0:
        line.factors.append(C.TYPO)
    _, group_name, code = entities[0]
    group = product.group(group_name)
    qualifier = None
    if mention.qualifier:
        codes = [e[1] for e in mention.qualifier if e[0] == "qualifier"]
        qualifier = next((c for c in codes if group.has_qualifier(c)), None)
        if qualifier is None:
            line.factors.append(C.UNSUPPORTED_QUALIFIER)
    if mention.negated and not group.negatable:
        line.factors.append(C.UNSUPPORTED_NEGATION)
        return
    if mention.loose_negation:
        line.factors.append(C.LOOSE_NEGATION)
    option = DraftOption(group_name, code, qualifier, mention.negated)
    if option not in line.options:
        line.options.append(option)
        if mention.for_all:
            line.for_all.append(option)


def _abbreviation(product: Product, mention: Mention, catalog: Catalog):
    """A shortened word ("med") that starts exactly one of this product's option names."""
    said = mention.said
    if len(said) < 3:
        return None
    found = {(g.name, v.code) for g in product.groups for v in g.values
             for name in (v.name, *v.aliases) if name and words(name) and words(name)[0].startswith(said)}
    return ("option", *found.pop()) if len(found) == 1 else None


def _check_groups(line: WorkLine, lang, ask) -> None:
    for group in line.product.groups:
        chosen = [o for o in line.options if o.group == group.name and not o.negated]
        if not group.choose_many and len({o.code for o in chosen}) > 1:
            line.factors.append(C.CONFLICT)
            names = [group.value(o.code).name for o in chosen]
            ask(lang.question("conflict", choices=lang.join_choices(names), product=line.product.name))
            for o in chosen[:-1]:
                line.options.remove(o)
        if group.required and not chosen:
            line.factors.append(C.MISSING_REQUIRED)
            names = [v.name for v in group.values[:MAX_CHOICES_ASKED]]
            ask(lang.question("choose_option", group=group.name, product=line.product.name,
                              choices=lang.join_choices(names)), names)


def _note_unknown(indexes: list[int], tokens: list[Token], text: str, unparsed: list[str], ask, lang) -> None:
    """Unknown words, neighbours joined into one phrase ("coca-cola", not "coca" and "cola")."""
    runs: list[list[int]] = []
    for i in sorted(set(indexes)):
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        phrase = text[tokens[run[0]].start:tokens[run[-1]].end]
        if phrase not in unparsed:
            unparsed.append(phrase)
            ask(lang.question("unknown_item", text=phrase))
