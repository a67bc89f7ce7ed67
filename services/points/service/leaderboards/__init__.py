"""Leaderboards per community and period: refreshed from the ledger, rebuilt, read (handlers.py)."""
