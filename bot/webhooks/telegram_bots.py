"""One python-telegram-bot `Application` per shop bot, built with `updater(None)`: our aiohttp
server receives the updates, the Application's bot decodes them (`Update.de_json`).

Nothing here talks to Telegram: the Applications are never `initialize()`d by the webhooks.
"""
from __future__ import annotations

from telegram.ext import Application


class TelegramBots:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._apps: dict[str, Application] = {}

    def application(self, token: str) -> Application:
        """The Application for this bot token (a new token after `channel add` gets a new one)."""
        app = self._apps.get(token)
        if app is None:
            app = Application.builder().token(token).base_url(self.base_url).updater(None).build()
            self._apps[token] = app
        return app
