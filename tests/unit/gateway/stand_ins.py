"""Stand-ins for the services the gateway's actions call, shared by its unit tests."""

from __future__ import annotations


class Nothing:
    """A service the action must not call."""

    def __getattr__(self, name):
        raise AssertionError(f"the action called {name}")
