"""PIZZA benchmark: the real parser on the PIZZA dev set, unordered exact match of EXR trees.

    python -m benchmarks.pizza --data ../shared/data/pizza/PIZZA_dev.json --predictions OUT.jsonl

Prints the exact match on the first two thirds (where the rules were developed), on the last third
(held out while developing) and, last, on everything.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ingestion.parser import Catalog, parse

from ._pizza_catalog import build
from ._pizza_exr import canonical, from_draft, parse_tree, to_text
from ._pizza_fresh import FRESH

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "pizza" / "PIZZA_dev.json"


def load(path: Path) -> list[dict]:
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            split = next(k.split(".")[0] for k in row if k.endswith(".SRC"))
            rows.append({"src": row[f"{split}.SRC"], "exr": row[f"{split}.EXR"]})
    return rows


def catalog_for(data_path: Path) -> Catalog:
    return Catalog.from_dict(build(Path(data_path).parent / "catalogs"))


def run(data_path: Path, transform=None) -> list[dict]:
    """Every example with the parser's draft, EXR and whether it matches (`transform` may
    alter each message first, e.g. to add typos)."""
    catalog = catalog_for(data_path)
    results = []
    for row in load(data_path):
        if transform is not None:
            row = {**row, "src": transform(row["src"])}
        draft = parse(row["src"], catalog).to_dict()
        predicted = from_draft(draft)
        results.append({**row, "draft": draft, "predicted": to_text(predicted),
                        "correct": canonical(predicted) == canonical(parse_tree(row["exr"]))})
    return results


def run_fresh(data_path: Path) -> list[dict]:
    """Our own written orders (benchmarks/_pizza_fresh.py) on the same catalog."""
    catalog = catalog_for(data_path)
    results = []
    for src, spec in FRESH:
        draft = parse(src, catalog).to_dict()
        gold, predicted = from_draft(_spec_draft(spec)), from_draft(draft)
        results.append({"src": src, "exr": to_text(gold), "draft": draft, "predicted": to_text(predicted),
                        "correct": canonical(predicted) == canonical(gold)})
    return results


def _spec_draft(spec: str) -> dict:
    lines = []
    for part in filter(None, (p.strip() for p in spec.split("|"))):
        quantity, sku, *options = part.split()
        opts = []
        for o in options:
            group, _, value = o.lstrip("!").partition("=")
            code, _, qualifier = value.partition("+")
            opts.append({"group": group, "code": code.replace("_", " ") if group == "volume" else code,
                         "qualifier": qualifier or None, "negated": o.startswith("!")})
        lines.append({"sku": sku, "quantity": int(quantity), "options": opts})
    return {"lines": lines}


def _score(rows: list[dict]) -> str:
    right = sum(r["correct"] for r in rows)
    return f"{100 * right / max(1, len(rows)):.1f}% ({right}/{len(rows)})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--predictions", type=Path, default=None)
    ap.add_argument("--errors", action="store_true", help="print the wrong examples of the first 2/3")
    ap.add_argument("--fresh", action="store_true",
                    help="also score our own written orders on the same catalog (printed before the total)")
    args = ap.parse_args(argv)
    results = run(args.data)
    if args.predictions:
        with open(args.predictions, "w", encoding="utf-8") as out:
            for r in results:
                out.write(json.dumps({"src": r["src"], "exr": r["predicted"]}) + "\n")
    cut = len(results) * 2 // 3
    if args.errors:   # only the development part: the last third stays unseen
        for r in results[:cut]:
            if not r["correct"]:
                print(f"SRC  {r['src']}\nGOLD {canonical(parse_tree(r['exr']))}\nPRED {canonical(parse_tree(r['predicted']))}"
                      f"\nCONF {r['draft']['confidence']}\n")
    print(f"development part (first 2/3): {_score(results[:cut])}")
    print(f"held-out part (last 1/3): {_score(results[cut:])}")
    if args.fresh:
        fresh = run_fresh(args.data)
        if args.errors:
            for r in fresh:
                if not r["correct"]:
                    print(f"FRESH {r['src']}\nGOLD {canonical(parse_tree(r['exr']))}\n"
                          f"PRED {canonical(parse_tree(r['predicted']))}\nCONF {r['draft']['confidence']}\n")
        print(f"own written orders, same catalog: {_score(fresh)}")
    print(f"exact-match: {_score(results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
