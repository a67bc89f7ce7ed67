"""The points ledger: posting to an account (posting.py), admins' awards and adjustments (awards.py,
bulk_awards.py), the market's holds (holds.py), and balances and statements (balances.py)."""
