"""A line being built from a raw item, and quantity breakdowns that split one line into parts."""
from __future__ import annotations

from dataclasses import dataclass, field

from . import confidence as C
from .catalog import Product
from .draft import DraftOption
from .items import RawItem


@dataclass(slots=True)
class WorkLine:
    product: Product
    item: RawItem
    quantity: int
    options: list[DraftOption] = field(default_factory=list)
    factors: list[float] = field(default_factory=list)
    part_of: "WorkLine | None" = None     # "2 mugs, 1 white 1 black": this is one of those 2
    for_all: list[DraftOption] = field(default_factory=list)   # said "for both" of the parts


def drop_summaries(out: list[WorkLine], stem) -> list[WorkLine]:
    """"2 pizzas: a large pepperoni and a medium margherita pizza": a bare count followed by items
    of that kind adding up to it is a summary, not another item."""
    result: list[WorkLine] = []
    for i, line in enumerate(out):
        if line.item.explicit and line.quantity > 1 and not line.options:
            kind = {stem(w) for w in line.product.name.split()}
            following, total = [], 0
            for nxt in out[i + 1:]:
                if total >= line.quantity or not (nxt.part_of is line or kind <= {stem(w) for w in nxt.product.name.split()}):
                    break
                following.append(nxt)
                total += nxt.quantity
            if len(following) >= 2 and total == line.quantity and any(n.part_of is not line for n in following):
                for nxt in following:
                    nxt.part_of = None
                    nxt.factors.append(C.SUMMARY)
                continue
        result.append(line)
    return result


def split_breakdowns(out: list[WorkLine]) -> list[WorkLine]:
    """"2 mugs, 1 white 1 black": when the lines right after a line say how its quantity splits,
    they replace it and each keeps the options said for the whole."""
    result: list[WorkLine] = []
    i = 0
    while i < len(out):
        line = out[i]
        parts = []
        j = i + 1
        while j < len(out) and out[j].part_of is line:
            parts.append(out[j])
            j += 1
        said = sum(p.quantity for p in parts)
        if parts and line.item.explicit and said < line.quantity and not parts[0].item.after_word_conjunction:
            # "two croissants, one warmed": the rest stay as they were said. Could also mean three
            # croissants, so a seller should look.
            for p in parts:
                _inherit(p, line)
                p.factors.append(C.PARTIAL_BREAKDOWN)
            line.quantity -= said
            line.factors.append(C.PARTIAL_BREAKDOWN)
            result.append(line)
            result.extend(parts)
        elif len(parts) >= 2 and said == line.quantity:
            shared = [o for p in parts for o in p.for_all]
            for p in parts:
                p.options += [o for o in shared if o not in p.options]
                _inherit(p, line)
            result.extend(parts)
        else:
            result.append(line)
            result.extend(parts)
        i = j
    return result


def _inherit(part: WorkLine, whole: WorkLine) -> None:
    """A part keeps what was said for the whole, unless it says otherwise for that group."""
    own = {o.group for o in part.options}
    part.options[:0] = [o for o in whole.options if o.group not in own]
    part.factors = [f for f in part.factors if f != C.INFERRED_PRODUCT] + whole.factors + [C.MERGED_OPTIONS]
    part.item.start = min(part.item.start, whole.item.start)
