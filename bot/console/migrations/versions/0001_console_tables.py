"""The console's tables: accounts, sessions, audit log, conversation index, follow-up.

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY_MESSAGE = "console_audit_log is append-only"


def upgrade() -> None:
    op.create_table(
        "console_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("console_users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "console_audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False, index=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False, index=True),
        sa.Column("target", sa.String(255)),
        sa.Column("ip", sa.String(64)),
        sa.Column("detail", sa.String(500)),
    )
    op.create_table(
        "console_conversations",
        sa.Column("sender_id", sa.String(255), primary_key=True),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("last_message_at", sa.Float, nullable=False),
        sa.Column("last_event_id", sa.Integer, nullable=False),
        sa.Column("person_messages", sa.Integer, nullable=False),
        sa.Column("risk_level", sa.String(16), nullable=False),
        sa.Column("risk_rank", sa.Integer, nullable=False),
        sa.Column("risk_reasons", sa.Text, nullable=False),
        sa.Column("red_flags", sa.Text, nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("country", sa.String(8)),
        sa.Column("home_country", sa.String(8)),
        sa.Column("urgent", sa.Boolean, nullable=False),
        sa.Column("about_other", sa.Boolean, nullable=False),
    )
    op.create_index(
        "ix_console_conversations_order",
        "console_conversations",
        ["risk_rank", "last_message_at"],
    )
    op.create_table(
        "console_index_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_event_id", sa.Integer, nullable=False),
        sa.Column("last_erasure_id", sa.Integer, nullable=False),
        sa.Column("synced_at", sa.DateTime),
    )
    op.execute(
        "INSERT INTO console_index_state (id, last_event_id, last_erasure_id) VALUES (1, 0, 0)"
    )
    op.create_table(
        "console_follow_ups",
        sa.Column("sender_id", sa.String(255), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assignee", sa.String(64)),
        sa.Column("referral", sa.String(255)),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "console_follow_up_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False, index=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("field", sa.String(16), nullable=False),
        sa.Column("old_value", sa.String(255)),
        sa.Column("new_value", sa.String(255)),
    )
    op.create_table(
        "console_notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False, index=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    _make_audit_log_append_only()


def _make_audit_log_append_only() -> None:
    """Refuse UPDATE and DELETE on the audit log in the database itself."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER console_audit_log_no_{verb.lower()} BEFORE {verb} "
                f"ON console_audit_log BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION console_audit_log_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER console_audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
            "ON console_audit_log FOR EACH STATEMENT "
            "EXECUTE FUNCTION console_audit_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER console_audit_log_append_only ON console_audit_log")
        op.execute("DROP FUNCTION console_audit_log_append_only()")
    for table in (
        "console_notes",
        "console_follow_up_changes",
        "console_follow_ups",
        "console_index_state",
        "console_conversations",
        "console_audit_log",
        "console_sessions",
        "console_users",
    ):
        op.drop_table(table)
