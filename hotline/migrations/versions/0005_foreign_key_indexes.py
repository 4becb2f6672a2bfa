"""indexes on the duplicate_of foreign keys

Deleting complaints (a test's clean-up, an admin's purge) checks every foreign key pointing at them; without
an index on complaint.duplicate_of_id and statuschange.duplicate_of_id each deleted row scanned both tables,
and deleting 100,000 complaints never finished.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 07:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_complaint_duplicate_of", "complaint", ["duplicate_of_id"], unique=False)
    op.create_index("ix_statuschange_duplicate_of", "statuschange", ["duplicate_of_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_statuschange_duplicate_of", table_name="statuschange")
    op.drop_index("ix_complaint_duplicate_of", table_name="complaint")
