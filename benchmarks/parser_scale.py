"""Parser speed against catalog size: p50/p99 per message at 100 ... 100,000 generated products.

    python -m benchmarks.parser_scale

The catalogs are generated (a clothing-and-home shop: "<colour> <material> <thing>" with size and
colour options), not PIZZA. Every size is timed on messages of the same shape, in interleaved
rounds so that a noisy neighbour on the machine hits every size alike; the 100-product catalog is
the baseline of the same run. The ratio of p50 at the largest to the smallest is printed last.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from ingestion.parser import Catalog, parse

SIZES = (100, 1_000, 10_000, 100_000)
ADJECTIVES = ("red blue green black white grey navy olive pink purple orange yellow beige brown teal coral "
              "ivory golden silver maroon crimson amber azure lilac mint peach plum rust sand slate").split()
MATERIALS = ("cotton linen wool silk denim leather suede velvet fleece canvas bamboo hemp cashmere satin "
             "tweed corduroy nylon jersey flannel mohair").split()
THINGS = ("shirt scarf hat sock glove jacket sweater skirt dress blanket pillow towel apron bag belt "
          "cap vest hoodie tunic robe poncho shawl mitten beanie tote cushion throw rug mat curtain "
          "napkin runner sheet quilt duvet slipper").split()
SIZE_VALUES = [{"code": c, "name": n} for c, n in (("S", "small"), ("M", "medium"), ("L", "large"), ("XL", "extra large"))]
COLOUR_VALUES = [{"code": c.upper(), "name": c} for c in ("red", "blue", "green", "black", "white", "grey")]


def catalog(n: int, rng: random.Random) -> dict:
    options = [{"group": "size", "choose": "one", "values": SIZE_VALUES},
               {"group": "print", "choose": "many", "negatable": True,
                "qualifiers": [{"code": "EXTRA", "aliases": ["extra"]}],
                "values": [{"code": "STRIPES", "name": "stripes"}, {"code": "DOTS", "name": "polka dots"},
                           {"code": "LOGO", "name": "logo"}]}]
    names = [f"{a} {m} {t}" for t in THINGS for m in MATERIALS for a in ADJECTIVES]
    rng.shuffle(names)
    if n > len(names):
        names += [f"{x} {i}" for i, x in enumerate(names[: n - len(names)])]
    products = [{"sku": f"P{i:06d}", "name": name, "aliases": [name.split()[0] + " " + name.split()[-1] + " " + str(i)],
                 "options": options} for i, name in enumerate(names[:n])]
    return {"shop": {"slug": f"scale-{n}", "region": "US", "language": "en"}, "products": products}


def messages(cat: dict, count: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(count):
        a, b = rng.sample(cat["products"], 2)
        size = rng.choice(SIZE_VALUES)["name"]
        name_b = b["name"]
        if rng.random() < 0.3:                       # a typo in one word
            w = name_b.split()
            w[-1] = w[-1][:-2] + w[-1][-1] + w[-1][-2]
            name_b = " ".join(w)
        out.append(f"hi, can i get two {size} {a['name']}s with stripes but no logo and a {name_b}, "
                   f"thanks! this is Ana 415 555 0123")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    rng = random.Random(4)
    setups = {}
    for n in SIZES:
        t0 = time.perf_counter()
        raw = catalog(n, rng)
        setups[n] = (Catalog.from_dict(raw), messages(raw, args.messages, rng))
        print(f"built {n:>7,} products in {time.perf_counter() - t0:.2f}s", flush=True)
    timings: dict[int, list[float]] = {n: [] for n in SIZES}
    for _ in range(args.rounds):
        for n, (cat, msgs) in setups.items():
            for m in msgs:
                t0 = time.perf_counter()
                parse(m, cat)
                timings[n].append((time.perf_counter() - t0) * 1000)
    for n in SIZES:
        ts = sorted(timings[n])
        p99 = ts[min(len(ts) - 1, int(len(ts) * 0.99))]
        print(f"{n:>7,} products: p50 {statistics.median(ts):.3f} ms  p99 {p99:.3f} ms  ({len(ts)} parses)")
    ratio = statistics.median(timings[SIZES[-1]]) / statistics.median(timings[SIZES[0]])
    print(f"p50 ratio {SIZES[-1]:,} / {SIZES[0]:,} products: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
