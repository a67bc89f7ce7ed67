"""pickup codes are hashed with a key from a secret file; the database keeps no key an open order lacks

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

A copy of the database must reveal no pickup code and let no one forge a QR, so the key moved to
JIFEN_PICKUP_KEY_FILE (made by `jifen keys`). Orders awaiting pickup when this runs had their codes
hashed with the key migration 0001 kept in `secrets`: that key stays, renamed pickup-legacy, only
to verify those codes (new codes and every QR use the file's key), and the market worker deletes it
as soon as none of those orders is open (at most the pickup window later). With no open order it
is deleted here. The hash column grows to hold the key id in front of each new hash.
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SECRETS = sa.table("secrets", sa.column("name", sa.String), sa.column("value", sa.String))
REDEMPTIONS = sa.table("redemptions", sa.column("status", sa.String), sa.column("code_hash", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("redemptions") as batch:
        batch.alter_column("code_hash", type_=sa.String(100), existing_type=sa.String(64))
    connection = op.get_bind()
    open_orders = connection.scalar(
        sa.select(sa.func.count())
        .select_from(REDEMPTIONS)
        .where(REDEMPTIONS.c.status.in_(("reserving", "awaiting_pickup")), REDEMPTIONS.c.code_hash != "")
    )
    if open_orders:
        connection.execute(
            sa.update(SECRETS).where(SECRETS.c.name == "pickup").values(name="pickup-legacy")
        )
    else:
        connection.execute(sa.delete(SECRETS).where(SECRETS.c.name == "pickup"))


def downgrade() -> None:
    connection = op.get_bind()
    connection.execute(sa.update(SECRETS).where(SECRETS.c.name == "pickup-legacy").values(name="pickup"))
    kept = sa.select(sa.func.count()).select_from(SECRETS).where(SECRETS.c.name == "pickup")
    if connection.scalar(kept) == 0:
        # Codes issued with the file's key cannot be verified by the old code: they need a new code.
        connection.execute(sa.insert(SECRETS).values(name="pickup", value=secrets.token_hex(32)))
    # Hashes made with the file's key do not fit, and the old code could not verify them anyway: those
    # orders are handed over after the member asks for a new code.
    connection.execute(sa.update(REDEMPTIONS).where(REDEMPTIONS.c.code_hash.like("%:%")).values(code_hash=""))
    with op.batch_alter_table("redemptions") as batch:
        batch.alter_column("code_hash", type_=sa.String(64), existing_type=sa.String(100))
