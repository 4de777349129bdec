"""Event store (events, event_lanes) and report jobs (reports, report_results).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("occurred_at", sa.DateTime, nullable=False),
        sa.Column("subject", sa.String(200)),
        sa.Column("user_id", sa.String(36)),
        sa.Column("role", sa.String(20)),
        sa.Column("operation", sa.String(20)),
        sa.Column("job_id", sa.String(36)),
        sa.Column("predictions", sa.Integer),
        sa.Column("latency_ms", sa.Float),
        sa.Column("mean_delay_probability", sa.Float),
        sa.Column("duration_ms", sa.Integer),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("ingested_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_events_type_occurred_at", "events", ["type", "occurred_at"])
    op.create_index("ix_events_user_id_occurred_at", "events", ["user_id", "occurred_at"])
    op.create_table(
        "event_lanes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("occurred_at", sa.DateTime, nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("origin", sa.String(2), nullable=False),
        sa.Column("destination", sa.String(2), nullable=False),
        sa.Column("predictions", sa.Integer, nullable=False),
        sa.Column("mean_delay_probability", sa.Float, nullable=False),
    )
    op.create_index("ix_event_lanes_occurred_at", "event_lanes", ["occurred_at"])
    op.create_index("ix_event_lanes_user_id_occurred_at", "event_lanes", ["user_id", "occurred_at"])
    op.create_table(
        "reports",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("owner_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("scope_user_id", sa.String(36)),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("progress", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("started_at", sa.DateTime),
        sa.Column("completed_at", sa.DateTime),
        sa.Column("row_count", sa.Integer),
        sa.Column("summary", sa.JSON),
        sa.Column("error_code", sa.String(64)),
        sa.Column("error_reason", sa.Text),
    )
    op.create_index("ix_reports_owner_id_created_at", "reports", ["owner_id", "created_at"])
    op.create_table(
        "report_results",
        sa.Column("report_id", sa.String(36), sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("rows", sa.JSON, nullable=False),
        sa.Column("generated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("report_results")
    op.drop_table("reports")
    op.drop_table("event_lanes")
    op.drop_table("events")
