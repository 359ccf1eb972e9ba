"""The outbox dispatcher: sends the outbox rows the services wrote (customer replies, order
notices, seller cards) through Telegram and the Graph API (WhatsApp, Instagram)."""
