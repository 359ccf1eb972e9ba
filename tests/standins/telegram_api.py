"""Re-export: the stand-in lives in bot/demo/standins (the demo uses it too)."""
from bot.demo.standins.telegram_api import *  # noqa: F401,F403
