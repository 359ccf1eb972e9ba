"""Operations settings from the environment (kept here so the other settings stay untouched)."""
from __future__ import annotations

from aiohttp import web
from pydantic_settings import BaseSettings, SettingsConfigDict


class OpsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    # /readyz answers 503 once the oldest due outbox row has waited longer than this.
    READY_MAX_OUTBOX_LAG_SECONDS: float = 300.0
    # Each readiness query gives up after this long (a hung database is not ready).
    READY_CHECK_TIMEOUT_SECONDS: float = 2.0
    LOG_LEVEL: str = "INFO"


OPS_SETTINGS = web.AppKey("ops_settings", OpsSettings)
