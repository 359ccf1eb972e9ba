"""Sellers (and customers' buttons) in Telegram: the python-telegram-bot handlers.

    desk = SellerDesk(sessions, settings.TELEGRAM_API_BASE_URL)
    InboxWorker(sessions, desk=desk)   # the worker hands it every Telegram row first

Updates arrive through the inbox like every other message (durable, deduplicated); the desk
replays a seller's update through the shop bot's `Application` (built with `updater(None)`),
whose handlers are listed in one table in `bot/seller/handlers.py`.
"""
