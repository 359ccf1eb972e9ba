"""Settings from the environment, one class for every part of orderbot (DESIGN.md, Contracts)."""
from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Read once from environment variables (and an optional `.env`); names match DESIGN.md."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    DATABASE_URL: str = "sqlite+aiosqlite:///./orderbot.db"
    TELEGRAM_API_BASE_URL: str = "https://api.telegram.org/bot"
    GRAPH_API_BASE_URL: str = "https://graph.facebook.com/v21.0"
    PUBLIC_BASE_URL: str = "http://localhost:8080"
    WEBHOOK_MAX_BODY_BYTES: int = 1024 * 1024
    # Channel credentials live per shop (`orderbot channel add`); the first shop may take them here.
    TELEGRAM_BOT_TOKEN: str | None = None
    TELEGRAM_WEBHOOK_SECRET: str | None = None
    WHATSAPP_APP_SECRET: str | None = None
    WHATSAPP_VERIFY_TOKEN: str | None = None
    WHATSAPP_ACCESS_TOKEN: str | None = None
    INSTAGRAM_APP_SECRET: str | None = None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests build `Settings(...)` directly instead."""
    return Settings()
