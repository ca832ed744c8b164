"""The console's own tables (every name starts with `console_`); Alembic creates them.

Rasa's `events` table and `lantern_erasures` belong to the bot: the console only reads them.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

ROLES = ("caseworker", "trainer", "admin")
FOLLOW_UP_STATUSES = ("new", "in_progress", "referred", "closed")
OPEN_STATUSES = ("new", "in_progress", "referred")

users = sa.Table(
    "console_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
)

sessions = sa.Table(
    "console_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("console_users.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_seen_at", sa.DateTime, nullable=False),
)

audit_log = sa.Table(
    "console_audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(40), nullable=False, index=True),
    sa.Column("target", sa.String(255)),
    sa.Column("ip", sa.String(64)),
    sa.Column("detail", sa.String(500)),
    # The chain (bot.console.auditchain): the previous row's seal and this row's.
    sa.Column("prev_hash", sa.String(64)),
    sa.Column("row_hash", sa.String(64)),
)

conversations = sa.Table(
    "console_conversations",
    metadata,
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
    sa.Index("ix_console_conversations_order", "risk_rank", "last_message_at"),
)

index_state = sa.Table(
    "console_index_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("last_event_id", sa.Integer, nullable=False),
    sa.Column("last_erasure_id", sa.Integer, nullable=False),
    sa.Column("synced_at", sa.DateTime),
)

follow_ups = sa.Table(
    "console_follow_ups",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("assignee", sa.String(64)),
    sa.Column("referral", sa.String(255)),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("updated_by", sa.String(64), nullable=False),
)

follow_up_changes = sa.Table(
    "console_follow_up_changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("by", sa.String(64), nullable=False),
    sa.Column("field", sa.String(16), nullable=False),
    sa.Column("old_value", sa.String(255)),
    sa.Column("new_value", sa.String(255)),
)

notes = sa.Table(
    "console_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("by", sa.String(64), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)

REVIEW_DECISIONS = ("confirmed", "skipped")

reviews = sa.Table(
    "console_reviews",
    metadata,
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
