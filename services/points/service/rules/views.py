"""What the rules use cases answer with beyond a RuleVersion: a draft's preview, member by member."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PreviewRow:
    member_id: str
    member_name: str
    community_id: str
    hour_record_count: int
    minutes: int
    current_points: int
    draft_points: int

    @property
    def difference(self) -> int:
        return self.draft_points - self.current_points


@dataclass(frozen=True)
class Preview:
    rows: list[PreviewRow]
    next_page_token: str
    # Over all rows, not just this page.
    total_current_points: int
    total_draft_points: int
    member_count: int
