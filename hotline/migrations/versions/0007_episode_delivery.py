"""episode delivery: the after-publish job's last error and last success

After a publish a job writes the station's feed and, for a station with AzuraCast, uploads the MP3s; when a
try fails its error is kept on the episode for the producer to see (RQ retries), and delivered_at records
the last success. Plain ADD COLUMN on a table without triggers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "episode",
        sa.Column("delivery_error", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False, server_default=""),
    )
    op.add_column("episode", sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.drop_column("delivered_at")
        batch_op.drop_column("delivery_error")
