"""The server's settings: orders' Settings plus where `orderbot serve` listens."""
from __future__ import annotations

from orders.settings import Settings


class BotSettings(Settings):
    HOST: str = "0.0.0.0"
    PORT: int = 8080
