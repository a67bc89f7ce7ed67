"""Commands and queries of the rules use cases, as the RulesService servicer builds them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jifen.caller import Caller

from ...domain.rules import RuleSet


@dataclass(frozen=True)
class PublishRuleVersion:
    request_id: str
    actor: Caller
    rules: RuleSet
    community_id: str = ""
    street_id: str = ""
    # None: from the moment it is published.
    effective_from: datetime | None = None
    note: str = ""
    # Empty: made from effective_from, e.g. 2026年3月1日起施行的积分规则.
    title: str = ""


@dataclass(frozen=True)
class ResolveRuleVersion:
    community_id: str
    # None: now.
    at: datetime | None = None


@dataclass(frozen=True)
class ListRuleVersions:
    community_id: str = ""
    street_id: str = ""
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class PreviewRuleVersion:
    actor: Caller
    rules: RuleSet
    period_start: datetime | None
    period_end: datetime | None
    community_id: str = ""
    street_id: str = ""
    page_size: int = 0
    page_token: str = ""
