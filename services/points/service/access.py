"""The old names of service/scope.py and service/lookups.py, for the modules not moved to them yet.

Transitional: the activity and hour use cases still say access.member(...), access.deny();
once they use scope/lookups this module goes.
"""

from __future__ import annotations

from .lookups import SYNCING, learn_street
from .lookups import known_community as community
from .lookups import known_member as member
from .scope import administers, may_read_account, require_admin_of
from .scope import refused as deny

__all__ = [
    "SYNCING",
    "administers",
    "community",
    "deny",
    "learn_street",
    "may_read_account",
    "member",
    "require_admin_of",
]
