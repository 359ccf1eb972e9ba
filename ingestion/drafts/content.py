"""Pure changes to a draft's content (the parser's Draft JSON): seller edits and confidence.

A seller edit states what the seller wants, so an edited line is certain (confidence 1.0)
unless a required option is still missing; the draft's confidence is its weakest line.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from ingestion.errors import InvalidDraftEdit
from ingestion.parser import Catalog

MISSING_REQUIRED_CAP = 0.5  # a line the seller left without a required option is still unsure

CONTACT_FIELDS = ("name", "phone", "address")


def apply_edits(content: Mapping[str, Any], edits: Sequence[Mapping[str, Any]],
                catalog: Catalog) -> dict[str, Any]:
    """Apply seller edits in order and return the new content; the input is left untouched.

    Edits: {"op": "set_quantity", "line": i, "quantity": n} | {"op": "set_option", "line": i,
    "group": g, "code": c[, "qualifier": q]} | {"op": "remove_option", "line": i, "group": g,
    "code": c} | {"op": "remove_line", "line": i} | {"op": "add_line", "sku": s,
    "quantity": n[, "options": [...]]} | {"op": "set_contact", "name"/"phone"/"address": v}
    | {"op": "set_note", "note": v}
    """
    draft = copy.deepcopy(dict(content))
    draft.setdefault("lines", [])
    draft.setdefault("contact", {"name": None, "phone": None, "address": None})
    touched: set[int] = set()
    for edit in edits:
        op = edit.get("op")
        handler = _OPS.get(op)  # type: ignore[arg-type]
        if handler is None:
            raise InvalidDraftEdit(f"unknown edit {op!r}")
        line = handler(draft, edit, catalog)
        if line is not None:
            touched.add(line)
    for line in draft["lines"]:
        if id(line) in touched or line.get("edited"):
            line["edited"] = True
            line["confidence"] = line_confidence(line, catalog)
    draft["confidence"] = draft_confidence(draft)
    draft["clarifications"] = [] if draft["confidence"] > MISSING_REQUIRED_CAP else \
        draft.get("clarifications", [])
    return draft


def line_confidence(line: Mapping[str, Any], catalog: Catalog) -> float:
    return MISSING_REQUIRED_CAP if missing_required(line, catalog) else 1.0


def missing_required(line: Mapping[str, Any], catalog: Catalog) -> list[str]:
    product = catalog.by_sku.get(line.get("sku"))
    if product is None:
        return []
    chosen = {o["group"] for o in line.get("options", []) if not o.get("negated")}
    return [g.name for g in product.groups if g.required and g.name not in chosen]


def draft_confidence(draft: Mapping[str, Any]) -> float:
    lines = draft.get("lines") or []
    return round(min((float(l.get("confidence", 0.0)) for l in lines), default=0.0), 3)


def _line(draft: dict[str, Any], edit: Mapping[str, Any]) -> dict[str, Any]:
    index = edit.get("line")
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(draft["lines"]):
        raise InvalidDraftEdit(f"there is no line {index!r}; lines are numbered from 0")
    return draft["lines"][index]


def _quantity(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10_000:
        raise InvalidDraftEdit(f"the quantity must be a whole number from 1 to 10000, not {value!r}")
    return value


def _set_quantity(draft: dict[str, Any], edit: Mapping[str, Any], catalog: Catalog) -> int:
    line = _line(draft, edit)
    line["quantity"] = _quantity(edit.get("quantity"))
    return id(line)


def _set_option(draft: dict[str, Any], edit: Mapping[str, Any], catalog: Catalog) -> int:
    line = _line(draft, edit)
    product = catalog.by_sku.get(line["sku"])
    group_name, code = edit.get("group"), edit.get("code")
    group = product.group(group_name) if product else None
    if group is None or group.value(code) is None:
        raise InvalidDraftEdit(f"{line['name']} has no option {group_name}={code}")
    qualifier = edit.get("qualifier")
    if qualifier and not group.has_qualifier(qualifier):
        raise InvalidDraftEdit(f"{group_name} has no qualifier {qualifier}")
    options = [o for o in line.get("options", [])
               if o["group"] != group_name or (group.choose_many and o["code"] != code)]
    option: dict[str, Any] = {"group": group_name, "code": code}
    if qualifier:
        option["qualifier"] = qualifier
    if edit.get("negated"):
        if not group.negatable:
            raise InvalidDraftEdit(f"{group_name} options cannot be left out")
        option["negated"] = True
    line["options"] = options + [option]
    return id(line)


def _remove_option(draft: dict[str, Any], edit: Mapping[str, Any], catalog: Catalog) -> int:
    line = _line(draft, edit)
    before = len(line.get("options", []))
    line["options"] = [o for o in line.get("options", [])
                       if not (o["group"] == edit.get("group") and o["code"] == edit.get("code"))]
    if len(line["options"]) == before:
        raise InvalidDraftEdit(f"{line['name']} has no option {edit.get('group')}={edit.get('code')}")
    return id(line)


def _remove_line(draft: dict[str, Any], edit: Mapping[str, Any], catalog: Catalog) -> None:
    draft["lines"].remove(_line(draft, edit))
    return None


def _add_line(draft: dict[str, Any], edit: Mapping[str, Any], catalog: Catalog) -> int:
    product = catalog.by_sku.get(edit.get("sku"))
    if product is None:
        raise InvalidDraftEdit(f"the catalog has no product {edit.get('sku')!r}")
    line = {"sku": product.sku, "name": product.name, "quantity": _quantity(edit.get("quantity", 1)),
            "confidence": 1.0, "text": "", "options": []}
    draft["lines"].append(line)
    index = len(draft["lines"]) - 1
    for option in edit.get("options") or []:
        _set_option(draft, {"line": index, **option}, catalog)
    return id(line)


def _set_contact(draft: dict[str, Any], edit: Mapping[str, Any], catalog: Catalog) -> None:
    fields = {k: edit[k] for k in CONTACT_FIELDS if k in edit}
    if not fields:
        raise InvalidDraftEdit("set_contact needs a name, phone or address")
    for key, value in fields.items():
        draft["contact"][key] = (str(value).strip() or None) if value is not None else None
    return None


def _set_note(draft: dict[str, Any], edit: Mapping[str, Any], catalog: Catalog) -> None:
    note = edit.get("note")
    draft["note"] = (str(note).strip() or None) if note is not None else None
    return None


_OPS = {"set_quantity": _set_quantity, "set_option": _set_option,
        "remove_option": _remove_option, "remove_line": _remove_line, "add_line": _add_line,
        "set_contact": _set_contact, "set_note": _set_note}
