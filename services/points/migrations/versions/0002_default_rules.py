"""the built-in default rule version

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Where neither a community nor its street nor the default scope has published rules, these apply:
the rules of local practice from DOMAIN.md, in force from the epoch. Frozen here as JSON, so a
later change of the code's defaults never rewrites history.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

RULES = (
    '{"category_multipliers": {}, "commendations": [{"name": "优秀志愿者", "points": 200}, '
    '{"name": "文明家庭", "points": 100}, {"name": "好人好事", "points": 50}], '
    '"daily_hour_cap_minutes": 480, "difficulty_multipliers": [100, 120, 150, 180, 200], '
    '"expiry_policy": "end_of_year", "expiry_value": 1, "points_per_hour": 10, '
    '"rounding_minutes": 30, "rounding_mode": "down"}'
)


def upgrade() -> None:
    table = sa.table(
        "rule_versions",
        sa.column("id", sa.String),
        sa.column("community_id", sa.String),
        sa.column("street_id", sa.String),
        sa.column("effective_from", sa.DateTime(timezone=True)),
        sa.column("rules", sa.Text),
        sa.column("note", sa.String),
        sa.column("published_by", sa.String),
        sa.column("published_at", sa.DateTime(timezone=True)),
    )
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    op.bulk_insert(
        table,
        [
            {
                "id": "default-0",
                "community_id": "",
                "street_id": "",
                "effective_from": epoch,
                "rules": RULES,
                "note": "内置默认规则：1 小时 10 分，难度系数 1.0/1.2/1.5/1.8/2.0，按 30 分钟向下取整",
                "published_by": "",
                "published_at": epoch,
            }
        ],
    )


def downgrade() -> None:
    op.execute("DELETE FROM rule_versions WHERE id = 'default-0'")
