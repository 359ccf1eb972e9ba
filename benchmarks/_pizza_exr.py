"""EXR trees: reading the dataset's, writing ours from a draft, and the unordered comparison."""
from __future__ import annotations

import re

_TOKENS = re.compile(r"\(|\)|[^\s()]+")

# Draft option groups -> EXR labels (the catalog builder names the groups).
_PIZZA_LABELS = {"size": "SIZE", "style": "STYLE", "topping": "TOPPING"}
_DRINK_LABELS = {"size": "SIZE", "volume": "VOLUME", "container": "CONTAINERTYPE"}


def parse_tree(text: str):
    """'(ORDER (PIZZAORDER (NUMBER 1 ) ...) )' -> nested (label, [children]); leaves are words."""
    tokens = _TOKENS.findall(text)
    pos = 0

    def node():
        nonlocal pos
        pos += 1                                   # "("
        label_words = []
        while pos < len(tokens) and tokens[pos] not in "()":
            label_words.append(tokens[pos])
            pos += 1
        children = []
        while pos < len(tokens) and tokens[pos] != ")":
            children.append(node())
        pos += 1                                   # ")"
        return (label_words[0] if label_words else "", label_words[1:], children)

    return node() if tokens else ("ORDER", [], [])


def canonical(tree) -> str:
    """A string equal for trees that are equal with children compared as multisets."""
    label, words, children = tree
    inner = sorted(canonical(c) for c in children)
    return "(" + " ".join([label, *words, *inner]) + ")"


def _leaf(label: str, value: str):
    return (label, value.split(), [])


def from_draft(draft: dict):
    items = []
    for line in draft.get("lines", []):
        children = [_leaf("NUMBER", str(line["quantity"]))]
        if line["sku"] == "PIZZA":
            kind, labels = "PIZZAORDER", _PIZZA_LABELS
        else:
            kind, labels = "DRINKORDER", _DRINK_LABELS
            children.append(_leaf("DRINKTYPE", line["sku"]))
        for option in line.get("options", []):
            label = labels.get(option["group"], option["group"].upper())
            node = _leaf(label, option["code"])
            if option.get("qualifier"):
                node = ("COMPLEX_TOPPING", [], [_leaf("QUANTITY", option["qualifier"]), node])
            if option.get("negated"):
                node = ("NOT", [], [node])
            children.append(node)
        items.append((kind, [], children))
    return ("ORDER", [], items)


def to_text(tree) -> str:
    label, words, children = tree
    inner = " ".join([*words, *(to_text(c) for c in children)])
    return f"({label} {inner} )" if inner else f"({label} )"
