"""Identifiers: ULIDs, so ids sort by creation time and say nothing about the database."""

from ulid import ULID


def new_id() -> str:
    return str(ULID()).lower()
