"""episode air date and AzuraCast progress

A producer may move a show off its station's weekday (air_date, a plain date; NULL = the station's day), and
the after-publish job keeps what AzuraCast has taken (azuracast_uploaded, JSON: path → sha256) so a retry
does not send those files again. Both nullable, plain ADD COLUMN. Audit actions are plain strings (no enum or
check constraint), so the new episode_build_requested action needs no schema change.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("episode", sa.Column("air_date", sa.Date(), nullable=True))
    op.add_column("episode", sa.Column("azuracast_uploaded", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.drop_column("azuracast_uploaded")
        batch_op.drop_column("air_date")
