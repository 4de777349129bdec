"""reports.attempt: the fencing token of a report's computation (see store/reports.py).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A default, so that SQLite can add a NOT NULL column to a table that has rows.
    op.add_column("reports", sa.Column("attempt", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:  # SQLite drops a column only by copying the table
        batch.drop_column("attempt")
