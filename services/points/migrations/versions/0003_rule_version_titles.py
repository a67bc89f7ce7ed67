"""rule versions get a title, so statements name a version by it instead of its id

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

The built-in default version is titled 内置默认积分规则; every other version published before
titles existed gets the one a version published without a title gets today, made from its
effective date in Asia/Shanghai, e.g. 2026年3月1日起施行的积分规则.
"""

from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LOCAL = ZoneInfo("Asia/Shanghai")


def upgrade() -> None:
    op.add_column("rule_versions", sa.Column("title", sa.String(60), nullable=False, server_default=""))
    table = sa.table(
        "rule_versions",
        sa.column("id", sa.String),
        sa.column("effective_from", sa.DateTime(timezone=True)),
        sa.column("title", sa.String),
    )
    connection = op.get_bind()
    for row in connection.execute(sa.select(table.c.id, table.c.effective_from)).all():
        connection.execute(sa.update(table).where(table.c.id == row.id).values(title=_title(row)))


def _title(row) -> str:
    # Frozen here rather than imported, so a later change of the code's wording never rewrites history.
    if row.id == "default-0":
        return "内置默认积分规则"
    moment = row.effective_from
    # SQLite hands back naive datetimes; every stored time is UTC.
    local = (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).astimezone(LOCAL)
    return f"{local.year}年{local.month}月{local.day}日起施行的积分规则"


def downgrade() -> None:
    with op.batch_alter_table("rule_versions") as batch:
        batch.drop_column("title")
