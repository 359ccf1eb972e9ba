"""`make demo`: the whole flow (inbox, parser, drafts, the claim, the order's life) on a fresh
embedded SQLite database, no tokens; prints what customers and sellers would see.

    python -m bot.demo            # a temporary database, removed afterwards
    python -m bot.demo --db x.db  # keep the database to look at
"""
from bot.demo.script import run_demo

__all__ = ["run_demo"]
