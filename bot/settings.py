"""The server's settings: orders' Settings plus where `orderbot serve` listens, and the ids the
first shop's channels from the environment need (bot.webhooks.channels.from_environment)."""
from __future__ import annotations

from orders.settings import Settings


class BotSettings(Settings):
    HOST: str = "0.0.0.0"
    PORT: int = 8080
    WORKERS: int = 1  # server processes sharing the port (orderbot serve --workers)
    # WhatsApp and Instagram posts are routed by these ids; with the app secrets above they make
    # the first shop's channels when it has none stored.
    WHATSAPP_PHONE_NUMBER_ID: str | None = None
    INSTAGRAM_ACCOUNT_ID: str | None = None
    INSTAGRAM_ACCESS_TOKEN: str | None = None
