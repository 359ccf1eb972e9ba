"""`orderbot telegram set-webhook` and Telegram polling mode, against the Bot API stand-in
(tests/standins/telegram_api.py) with the real python-telegram-bot client."""
from __future__ import annotations

import asyncio

import pytest

from bot.cli import main
from orders.migrate import upgrade
from tests.standins.telegram_api import StandIn

TOKEN = "7012345678:AAF-cli-token_for_luigis"
SECRET = "cli-webhook-secret_0123456789"


@pytest.fixture
async def api():
    async with StandIn(max_poll=0.2) as standin:
        yield standin


@pytest.fixture
async def cli(tmp_path, monkeypatch, capsys, api):
    """Run `orderbot ...` on its own SQLite file, off the event loop so the stand-in answers."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.chdir(tmp_path)
    for name, value in {"DATABASE_URL": url, "TELEGRAM_API_BASE_URL": api.base_url,
                        "PUBLIC_BASE_URL": "https://shop.example/"}.items():
        monkeypatch.setenv(name, value)
    await upgrade(url)

    async def run(*argv: str) -> tuple[int, str, str]:
        rc = await asyncio.get_running_loop().run_in_executor(None, main, list(argv))
        captured = capsys.readouterr()
        return rc, captured.out, captured.err
    return run


async def _luigis(cli, *, telegram: bool = True) -> None:
    assert (await cli("shop", "create", "luigis", "--name", "Luigi's"))[0] == 0
    if telegram:
        assert (await cli("channel", "add", "--shop", "luigis", "telegram", "--token", TOKEN,
                          "--secret", SECRET))[0] == 0


# --- orderbot telegram set-webhook -----------------------------------------------------------

async def test_set_webhook_registers_the_shop_url_with_its_secret(cli, api):
    await _luigis(cli)
    rc, out, err = await cli("telegram", "set-webhook", "--shop", "luigis")
    assert (rc, err) == (0, "")
    url = "https://shop.example/webhooks/telegram/luigis"
    assert api.webhook(TOKEN) == {"url": url, "secret_token": SECRET,
                                  "allowed_updates": ["message", "edited_message",
                                                      "callback_query"]}
    assert [c.token for c in api.calls_of("setWebhook")] == [TOKEN]
    assert f"registered webhook {url} for @standin_7012345678_bot (bot 7012345678)" in out
    assert SECRET not in out and TOKEN not in out


async def test_set_webhook_for_an_unknown_shop_names_it(cli, api):
    rc, out, err = await cli("telegram", "set-webhook", "--shop", "nobody")
    assert (rc, out) == (1, "")
    assert err.startswith("error: --shop:") and "nobody" in err
    assert api.calls == []


async def test_set_webhook_for_a_shop_without_telegram_says_how_to_add_one(cli, api):
    await _luigis(cli, telegram=False)
    rc, _, err = await cli("telegram", "set-webhook", "--shop", "luigis")
    assert rc == 1 and "luigis has no Telegram channel" in err
    assert "orderbot channel add --shop luigis telegram" in err
    assert api.calls == []


async def test_set_webhook_reports_telegram_refusing_a_plain_http_url(cli, api, monkeypatch):
    await _luigis(cli)
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://localhost:8080")
    rc, _, err = await cli("telegram", "set-webhook", "--shop", "luigis")
    assert rc == 1 and "Telegram did not register the webhook" in err and "https url" in err
    assert SECRET not in err
    assert api.webhook(TOKEN) is None
