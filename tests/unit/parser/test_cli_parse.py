"""`orderbot parse`: one draft for TEXT, one JSON line per stdin line otherwise."""
from __future__ import annotations

import argparse
import io
import json

from bot.cli import parse as cli

from .factories import CATALOGS


def run(capsys, monkeypatch, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    ap = argparse.ArgumentParser()
    cli.register(ap.add_subparsers())
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = ap.parse_args(["parse", *argv]).func(ap.parse_args(["parse", *argv]))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_text_argument_prints_one_draft(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "--catalog", str(CATALOGS / "pizzeria.json"), "2 large pizzas with ham")

    assert code == 0
    assert json.loads(out)["lines"][0]["quantity"] == 2


def test_stdin_gives_one_draft_per_line_in_order(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "--catalog", str(CATALOGS / "bakery.json"),
                       stdin="a latte\nhi\n\n3 croissants\n")

    drafts = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [d["intent"] for d in drafts] == ["order", "greeting", "other", "order"]
    assert drafts[3]["lines"][0]["quantity"] == 3


def test_a_bad_catalog_path_is_a_clear_error(capsys, monkeypatch, tmp_path):
    code, _, err = run(capsys, monkeypatch, "--catalog", str(tmp_path / "missing.json"), "hi")

    assert code == 2
    assert "cannot use catalog" in err
