"""How sure the parser is, as plain numbers in one place.

A line starts at BASE and is multiplied by one factor per doubt found while reading it; a draft
takes its weakest line and its own doubts (unknown words, a cut-off message). The factors are
judgement about how often each doubt goes wrong, checked (not fitted) with
benchmarks/calibration.py on the PIZZA dev set and on the same orders with typing slips: a draft
at confidence c should be right at least a fraction c of the time.
"""
from __future__ import annotations

# Drafts at or above this confidence may be approved without a seller (a shop can override).
AUTO_APPROVE_THRESHOLD = 0.9

BASE = 0.99

# Per line.
# A product or option word was typo-corrected. Set from the first two thirds of the typo set
# (`calibration --typos`), where drafts with one or two corrections were all right.
TYPO = 0.965
PARTIAL_PRODUCT = 0.75        # product named by its head word only ("latte" for "caffe latte")
AMBIGUOUS_PRODUCT = 0.35      # several products fit equally
INFERRED_PRODUCT = 0.8        # no product word; the options point to one product
MERGED_OPTIONS = 0.92         # options said apart from their item ("... and a thin crust")
REPEATED_PRODUCT = 0.85       # "... and ham pizza" after "a pie with pesto": same item or a second?
SUMMARY = 0.88                # "2 pizzas: a large pepperoni and a medium margherita"
RESTATED_QUANTITY = 0.9      # "a large pizza ... make it 2": the later number wins
PARTIAL_BREAKDOWN = 0.8       # "two croissants, one warmed": 1 + 1 warmed, or 2 + 1 warmed?
MOVED_OPTION = 0.85           # said after the next item but only the previous one has it
INVALID_OPTION = 0.45         # an option the product does not have
ABBREVIATED_OPTION = 0.8      # "med" read as "medium"
AMBIGUOUS_OPTION = 0.6
PARTIAL_OPTION = 0.8
UNSUPPORTED_QUALIFIER = 0.6   # "extra" on a group without that qualifier
UNSUPPORTED_NEGATION = 0.5    # "no large": the group cannot be left out
LOOSE_NEGATION = 0.75         # "no onions and olives": olives read as wanted
CONFLICT = 0.35               # two values for a choose-one group
MISSING_REQUIRED = 0.45
VAGUE_QUANTITY = 0.35
UNREADABLE_QUANTITY = 0.3
LARGE_QUANTITY = 0.6          # above LARGE_QUANTITY_FROM
LARGE_QUANTITY_FROM = 50
UNKNOWN_IN_ITEM = 0.55        # per unknown word where a product should be (nothing else named it)
UNKNOWN_MODIFIER = 0.8        # per unknown word inside an item that has a product ("bell peppers")

# Per draft.
UNKNOWN_OUTSIDE = 0.7         # per item-looking unknown word outside any item
UNKNOWN_ORDINARY = 0.97       # per other unrecognised word in an order clause
TYPO_EVERYDAY = 0.97          # per typo-corrected everyday word ("wihtout", "thre")
STRAY_NUMBER = 0.7            # a number that belongs to no item ("pizza for 2", "at 7")
EXCLUDED_PRODUCT = 0.9        # "... but no coke": a product said with a negation
MANY_ITEMS = 0.985            # per line beyond the third
TRUNCATED = 0.5               # the message was longer than the parser reads
SELF_CORRECTION = 0.6        # "2 pizzas, sorry, 3": which number stands?
QUESTION = 0.3                # an order-looking question ("do you have large pizzas?")


def combine(base: float, factors: list[float]) -> float:
    value = base
    for f in factors:
        value *= f
    return max(0.0, min(1.0, value))
