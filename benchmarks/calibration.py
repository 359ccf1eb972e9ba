"""Calibration report: is a draft at confidence c right at least a fraction c of the time?

    python -m benchmarks.calibration --data ../shared/data/pizza/PIZZA_dev.json [--typos]

For each threshold from 0.5 to 0.99: coverage (share of messages with confidence >= threshold)
and precision (share of those whose draft is exactly right), then the auto-approve operating
point and, last, the expected calibration error (10 equal-width bins, weighted by count).
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from ingestion.parser import AUTO_APPROVE_THRESHOLD

from .pizza import DEFAULT_DATA, run

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99)


def table(scored: list[tuple[float, bool]], thresholds=THRESHOLDS) -> list[tuple[float, float, float, int]]:
    """(threshold, coverage, precision, n) rows."""
    rows = []
    for t in thresholds:
        kept = [ok for c, ok in scored if c >= t]
        precision = sum(kept) / len(kept) if kept else float("nan")
        rows.append((t, len(kept) / max(1, len(scored)), precision, len(kept)))
    return rows


def expected_calibration_error(scored: list[tuple[float, bool]], bins: int = 10) -> float:
    total, ece = len(scored), 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        members = [(c, ok) for c, ok in scored if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if members:
            confidence = sum(c for c, _ in members) / len(members)
            accuracy = sum(ok for _, ok in members) / len(members)
            ece += len(members) / total * abs(confidence - accuracy)
    return ece


def report(scored: list[tuple[float, bool]], title: str) -> None:
    print(f"{title}: {len(scored)} messages, {sum(ok for _, ok in scored)} fully right")
    print("threshold  coverage  precision      n")
    for t, cov, prec, n in table(scored):
        print(f"{t:9.2f}  {100 * cov:7.1f}%  {100 * prec:8.1f}%  {n:5d}")
    _, cov, prec, n = table(scored, (AUTO_APPROVE_THRESHOLD,))[0]
    print(f"auto-approve at {AUTO_APPROVE_THRESHOLD}: precision {100 * prec:.1f}% ({n} approved), "
          f"coverage {100 * cov:.1f}%")


def with_typos(text: str, rng: random.Random) -> str:
    """One or two typing slips (a swapped, dropped or doubled letter) in words of 5+ letters."""
    words = text.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    for i in rng.sample(candidates, min(len(candidates), rng.choice((1, 2)))):
        w, j = words[i], rng.randrange(1, len(words[i]) - 1)
        words[i] = rng.choice((w[:j] + w[j + 1] + w[j] + w[j + 2:], w[:j] + w[j + 1:], w[:j] + w[j] + w[j:]))
    return " ".join(words)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--typos", action="store_true",
                    help="also report on the same orders with one or two typing slips each (a harder set)")
    args = ap.parse_args(argv)
    results = run(args.data)
    scored = [(r["draft"]["confidence"], r["correct"]) for r in results]
    if args.typos:
        rng = random.Random(7)
        noisy = run(args.data, transform=lambda src: with_typos(src, rng))
        noisy_scored = [(r["draft"]["confidence"], r["correct"]) for r in noisy]
        report(noisy_scored, "with typing slips")
        print(f"ECE with typing slips: {expected_calibration_error(noisy_scored):.4f}")
        print()
    cut = len(scored) * 2 // 3
    report(scored[cut:], "held-out part (last 1/3)")
    print(f"held-out ECE: {expected_calibration_error(scored[cut:]):.4f}")
    print()
    report(scored, "all")
    print(f"expected calibration error (ECE, 10 bins): {expected_calibration_error(scored):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
