"""Production stages and the packing checklist (seed 002), as the shop's settings define them.

    settings["stages"]            ["baking", "ready"]: walked in order between confirmed and
                                  packed, one step at a time, never unset, never skipped
    settings["packing_checklist"] ["QA passed", {"name": "photo of the cake", "photo": true}]:
                                  every item ticked (with a photo where asked) before packing

An order keeps its current stage (None: not started) and its ticks
({item: {"photo": ref, "by": member id, "at": iso time}}).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from orders.errors import InvalidInput, RuleViolation

MAX_NAME = 64


@dataclass(frozen=True)
class ChecklistItem:
    name: str
    photo: bool = False  # the tick needs a photo reference


def stages_of(settings: Mapping[str, Any] | None) -> list[str]:
    return list((settings or {}).get("stages") or [])


def checklist_of(settings: Mapping[str, Any] | None) -> list[ChecklistItem]:
    items = []
    for raw in (settings or {}).get("packing_checklist") or []:
        if isinstance(raw, str):
            items.append(ChecklistItem(raw))
        else:
            items.append(ChecklistItem(str(raw["name"]), bool(raw.get("photo", False))))
    return items


def check_stages(value: Any) -> list[str]:
    """A shop's stage list, or InvalidInput saying what is wrong with it."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InvalidInput("Stages must be a list of names, such as [\"baking\", \"ready\"].")
    names = [v.strip() for v in value]
    if len(set(names)) != len(names) or any(len(n) > MAX_NAME for n in names):
        raise InvalidInput(f"Stage names must be different and at most {MAX_NAME} characters.")
    return names


def check_checklist(value: Any) -> list[dict[str, Any]]:
    """A shop's packing checklist in its stored shape, or InvalidInput."""
    if not isinstance(value, list):
        raise InvalidInput("The packing checklist must be a list of items.")
    items = []
    for raw in value:
        if isinstance(raw, str):
            raw = {"name": raw}
        if (not isinstance(raw, dict) or not isinstance(raw.get("name"), str)
                or not raw["name"].strip() or not isinstance(raw.get("photo", False), bool)):
            raise InvalidInput("Each checklist item is a name, or {\"name\": ..., \"photo\": true}.")
        items.append({"name": raw["name"].strip(), "photo": raw.get("photo", False)})
    if len({i["name"] for i in items}) != len(items):
        raise InvalidInput("Checklist items must have different names.")
    return items


def next_stage(stages: Sequence[str], current: str | None, number: str) -> str:
    """The stage after `current` (the first one when not started), or the rule that stops it."""
    if not stages:
        raise RuleViolation("no_stages", "This shop has no production stages.")
    if current is None:
        return stages[0]
    if current not in stages:
        raise RuleViolation("unknown_stage", f"Order {number} is at stage {current!r}, which is "
                                             "no longer one of the shop's stages.")
    position = stages.index(current)
    if position == len(stages) - 1:
        raise RuleViolation("stages_done", f"Order {number} is already {current}, the last stage.")
    return stages[position + 1]


def stage_missing(stages: Sequence[str], current: str | None) -> str | None:
    """The last stage when the order has not reached it yet (packing waits for it)."""
    return stages[-1] if stages and current != stages[-1] else None


def find_item(items: Sequence[ChecklistItem], name: str, photo_ref: str | None) -> ChecklistItem:
    item = next((i for i in items if i.name.casefold() == name.strip().casefold()), None)
    if item is None:
        known = ", ".join(i.name for i in items) or "none"
        raise InvalidInput(f"{name!r} is not on the packing checklist (items: {known}).")
    if item.photo and not photo_ref:
        raise InvalidInput(f"Ticking {item.name!r} needs a photo.")
    return item


def unticked(items: Sequence[ChecklistItem], ticks: Mapping[str, Any]) -> list[str]:
    """Items not ticked, or ticked without the photo the item asks for."""
    missing = []
    for item in items:
        tick = ticks.get(item.name)
        if tick is None or (item.photo and not tick.get("photo")):
            missing.append(item.name)
    return missing
