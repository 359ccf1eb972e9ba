"""`make demo`: the whole flow through the real chat stack, in process, on a fresh embedded SQLite
database with no tokens: the webhook app on 127.0.0.1, the Bot API and Graph API stand-ins, the
inbox worker with the seller desk, the outbox dispatcher. Prints what each person saw.

    python -m bot.demo            # a temporary database, removed afterwards
    python -m bot.demo --db x.db  # keep the database to look at
"""
from bot.demo.script import run_demo

__all__ = ["run_demo"]
