"""The administration commands as a newcomer types them, against a migrated SQLite file."""
from __future__ import annotations

import asyncio
import json

import pytest

from bot.cli import main
from orders.db import make_engine, make_session_factory
from orders.services.catalog import load_catalog
from orders.services.shops import authenticate
from orders.uow import UnitOfWork

CATALOG = {
    "shop": {"slug": "luigis", "name": "Luigi's", "currency": "EUR", "region": "IT", "language": "en"},
    "products": [
        {"sku": "PIZZA", "name": "pizza", "aliases": ["pizzas", "pie"], "price": "11.00", "stock": None,
         "options": [
             {"group": "size", "choose": "one", "required": False,
              "values": [{"code": "LARGE", "name": "large", "aliases": ["big"], "price_delta": "3.00"}]},
             {"group": "topping", "choose": "many", "negatable": True,
              "qualifiers": [{"code": "EXTRA", "aliases": ["extra", "lots of"]}],
              "values": [{"code": "HAM", "name": "ham", "aliases": []}]}]},
        {"sku": "COLA", "name": "cola", "aliases": [], "price": "2.50", "stock": 12, "options": []}]}

CSV = """sku,name,aliases,price,stock,option_group,choose,required,negatable,qualifiers,option_code,option_name,option_aliases,price_delta
PIZZA,pizza,pizzas|pie,11.00,,size,one,false,false,,LARGE,large,big,3.00
PIZZA,,,,,topping,many,false,true,EXTRA=extra|lots of,HAM,ham,,
COLA,cola,,2.50,12,,,,,,,,,
"""


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """Run `orderbot ...` in-process against a fresh migrated SQLite file; returns (rc, out, err)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)

    def run(*argv: str):
        try:
            rc = main(list(argv))
        except SystemExit as exc:  # argparse refusals
            rc = exc.code
        captured = capsys.readouterr()
        return rc, captured.out, captured.err

    run.url = url
    return run


def _in_thread(coro):
    """The CLI runs its own event loop; these checks do too, outside the test's loop."""
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _catalog(url, slug):
    engine = make_engine(url)
    try:
        uow = UnitOfWork(make_session_factory(engine))
        async with uow:
            shop = await uow.shops.by_slug(slug)
        return await load_catalog(uow, shop.id)
    finally:
        await engine.dispose()


async def _actor(url, token):
    engine = make_engine(url)
    try:
        return await authenticate(UnitOfWork(make_session_factory(engine)), token)
    finally:
        await engine.dispose()


def test_migrate_shop_member_and_token(cli):
    assert cli("migrate")[0] == 0
    rc, out, _ = cli("shop", "create", "luigis", "--name", "Luigi's", "--currency", "EUR")
    assert rc == 0 and "created shop luigis (Luigi's): currency EUR, region US" in out

    rc, out, _ = cli("member", "add", "--shop", "luigis", "--name", "Dana", "--role", "agent",
                     "--telegram-user-id", "1234")
    token = out.strip().splitlines()[-1]
    assert rc == 0 and "added agent Dana to luigis" in out and token.startswith("luigis.")
    actor = _in_thread(_actor(cli.url, token))
    assert (actor.name, actor.role) == ("Dana", "agent")


def test_errors_name_the_bad_argument(cli):
    cli("migrate")
    cli("shop", "create", "luigis", "--name", "Luigi's")
    assert cli("shop", "create", "luigis", "--name", "Again")[0:1] == (1,)
    rc, _, err = cli("shop", "create", "Bad Slug", "--name", "x")
    assert rc == 1 and err.startswith("error: SLUG:")
    rc, _, err = cli("shop", "create", "ok", "--name", "x", "--currency", "dollars")
    assert rc == 1 and err.startswith("error: --currency:")
    rc, _, err = cli("member", "add", "--shop", "nope", "--name", "D", "--role", "agent")
    assert rc == 1 and err.startswith("error: --shop:") and "'nope'" in err
    rc, _, err = cli("member", "add", "--shop", "luigis", "--name", "D", "--role", "boss")
    assert rc == 2 and "--role" in err


def test_unmigrated_database_says_to_migrate(cli):
    rc, _, err = cli("shop", "create", "luigis", "--name", "Luigi's")
    assert rc == 1 and "orderbot migrate" in err


def test_json_import_round_trips_and_fills_only_what_the_shop_lacks(cli, tmp_path):
    cli("migrate")
    cli("shop", "create", "luigis", "--name", "Luigi's", "--region", "US")
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(CATALOG))

    rc, out, _ = cli("catalog", "import", "--shop", "luigis", str(path))

    assert rc == 0 and "imported 2 products into luigis: 2 new, 0 updated" in out
    catalog = _in_thread(_catalog(cli.url, "luigis"))
    assert catalog["products"] == sorted(CATALOG["products"], key=lambda p: p["sku"])
    assert catalog["shop"]["currency"] == "EUR"  # the shop had only the default
    assert catalog["shop"]["region"] == "US"     # the shop chose its region: the file cannot

    CATALOG_2 = json.loads(json.dumps(CATALOG))
    CATALOG_2["products"][1]["price"] = "3.00"
    path.write_text(json.dumps(CATALOG_2))
    rc, out, _ = cli("catalog", "import", "--shop", "luigis", str(path))
    assert "0 new, 2 updated" in out
    assert _in_thread(_catalog(cli.url, "luigis"))["products"][0]["price"] == "3.00"


def test_csv_import_matches_the_json_format(cli, tmp_path):
    cli("migrate")
    cli("shop", "create", "luigis", "--name", "Luigi's")
    path = tmp_path / "catalog.csv"
    path.write_text(CSV)

    rc, out, err = cli("catalog", "import", "--shop", "luigis", str(path))

    assert rc == 0, err
    products = {p["sku"]: p for p in _in_thread(_catalog(cli.url, "luigis"))["products"]}
    assert products["COLA"]["stock"] == 12 and products["PIZZA"]["stock"] is None
    assert products["PIZZA"]["aliases"] == ["pizzas", "pie"]
    size, topping = products["PIZZA"]["options"]
    assert size["values"] == [{"code": "LARGE", "name": "large", "aliases": ["big"],
                               "price_delta": "3.00"}]
    assert topping["negatable"] is True and topping["choose"] == "many"
    assert topping["qualifiers"] == [{"code": "EXTRA", "aliases": ["extra", "lots of"]}]


def test_bad_rows_are_listed_by_line_and_nothing_is_imported(cli, tmp_path):
    cli("migrate")
    cli("shop", "create", "luigis", "--name", "Luigi's")
    path = tmp_path / "bad.csv"
    path.write_text(CSV + "TEA,tea,,abc,,,,,,,,,,\n,nameless,,1.00,,,,,,,,,,\nJAM,jam,,1.00,-2,,,,,,,,,\n")

    rc, _, err = cli("catalog", "import", "--shop", "luigis", str(path))

    assert rc == 1 and "Nothing was imported" in err
    assert "line 5 (TEA): price 'abc' is not an amount" in err
    assert "line 6: sku is missing" in err
    assert "line 7 (JAM): stock -2 must be a whole number" in err
    assert _in_thread(_catalog(cli.url, "luigis"))["products"] == []


def test_bad_json_reports_its_line(cli, tmp_path):
    cli("migrate")
    cli("shop", "create", "luigis", "--name", "Luigi's")
    path = tmp_path / "bad.json"
    path.write_text('{"products": [\n{"sku": "A", "name": "a", "price": "1.00"},\n{"sku": "B",, }]}')
    rc, _, err = cli("catalog", "import", "--shop", "luigis", str(path))
    assert rc == 1 and "line 3: not valid JSON" in err
    path.write_text('{"products": [\n{"sku": "A", "name": "a", "price": "x"}]}')
    rc, _, err = cli("catalog", "import", "--shop", "luigis", str(path))
    assert rc == 1 and "line 2, product 1 (A): price 'x'" in err


def test_shop_invite_prints_a_one_time_code_on_its_last_line(cli):
    assert cli("migrate")[0] == 0
    assert cli("shop", "create", "luigis", "--name", "Luigi's")[0] == 0
    rc, out, _ = cli("shop", "invite", "--shop", "luigis", "--role", "agent", "--name", "Dana")
    lines = out.strip().splitlines()
    assert rc == 0 and lines[0].startswith("invite for Dana to luigis as agent, works once until")
    assert lines[-1].isalnum() and len(lines[-1]) == 10 and lines[-2].endswith(f"/start {lines[-1]}")
    rc, _, err = cli("shop", "invite", "--shop", "nope", "--role", "agent")
    assert rc == 1 and err.startswith("error: --shop: ")
    rc, _, err = cli("shop", "invite", "--shop", "luigis", "--role", "agent", "--hours", "0")
    assert rc == 1 and err.startswith("error: --hours: ")


def test_shop_settings_and_templates_are_set_from_the_command_line(cli):
    assert cli("migrate")[0] == 0
    assert cli("shop", "create", "luigis", "--name", "Luigi's")[0] == 0
    rc, out, _ = cli("shop", "settings", "--shop", "luigis", "--payment-instructions", "IBAN DE02",
                     "--stages", "baking, ready", "--checklist", "box sealed, photo:cake photo",
                     "--auto-complete-days", "3", "--auto-approve-threshold", "0.95")
    assert rc == 0 and '  stages: ["baking", "ready"]' in out
    assert '{"name": "cake photo", "photo": true}' in out and "  auto_complete_days: 3" in out
    assert "  auto_approve_threshold: 0.95" in out and '  payment_instructions: "IBAN DE02"' in out
    rc, _, err = cli("shop", "settings", "--shop", "luigis", "--auto-approve-threshold", "0.2")
    assert rc == 1 and err.startswith("error: --auto-approve-threshold: ")
    rc, _, err = cli("shop", "settings", "--shop", "luigis", "--stages", "a,a")
    assert rc == 1 and err.startswith("error: --stages: ")

    rc, out, _ = cli("shop", "template", "--shop", "luigis", "--kind", "order.status_changed",
                     "--language", "es", "¡{number} ahora está {status}!")
    assert rc == 0 and "set to" in out
    rc, _, err = cli("shop", "template", "--shop", "luigis", "--kind", "order.nope",
                     "--language", "es", "x")
    assert rc == 1 and err.startswith("error: --kind: ")
    rc, out, _ = cli("shop", "template", "--shop", "luigis", "--kind", "order.status_changed",
                     "--language", "es")
    assert rc == 0 and out.strip().endswith("back to the default text")
