"""The trainers' review inbox: one row per reviewed message (its text stored redacted only).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.Integer, nullable=False, unique=True),
        sa.Column("sender_id", sa.String(255), nullable=False, index=True),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("redacted_text", sa.Text),
        sa.Column("intent", sa.String(64)),
        sa.Column("flags", sa.Text),
        sa.Column("stage", sa.String(16)),
        sa.Column("urgent", sa.Boolean),
        sa.Column("about_other", sa.Boolean),
        sa.Column("reviewed_at", sa.DateTime, nullable=False),
        sa.Column("reviewed_by", sa.String(64), nullable=False),
        sa.Column("exported_at", sa.DateTime),
        sa.Column("export_note", sa.String(500)),
    )


def downgrade() -> None:
    op.drop_table("console_reviews")
