"""The probe consumer's own table (kept apart from probe_worker so tests need not import nameko)."""

import sqlalchemy as sa

metadata = sa.MetaData()
received = sa.Table(
    "received",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(40), nullable=False),
    sa.Column("member_id", sa.String(40), nullable=False),
)
