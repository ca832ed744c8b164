"""An erasure removes the console's copies of the conversation in its own transaction.

The bot records every erasure in `lantern_erasures` (bot.conversations.erasure), in the same
transaction that deletes the conversation's events. This trigger, owned by the console, deletes
the console's own rows about that conversation (index row, follow-up, its changes, notes,
reviews) when that record is inserted: whoever erases (the person in the chat, an admin, the
retention job), nothing of the conversation is left once the erasure commits, and the bot's
code never names a console table. On PostgreSQL the trigger first takes the index's lock row
(`console_index_state`), which index syncs and staff writes about a conversation also take, so
none of them can write a copy back from what it read before the erasure committed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

from bot.conversations.erasure import ERASURES_TABLE, erasures

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Every console table with rows about one conversation (a test checks that none is missing).
COPIES = (
    "console_conversations",
    "console_follow_ups",
    "console_follow_up_changes",
    "console_notes",
    "console_reviews",
)
TRIGGER = "console_forget_erased"


def upgrade() -> None:
    bind = op.get_bind()
    erasures.create(bind, checkfirst=True)  # the bot creates it at its first erasure otherwise
    deletes = " ".join(f"DELETE FROM {table} WHERE sender_id = NEW.sender_id;" for table in COPIES)
    if bind.dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {TRIGGER}() RETURNS trigger AS $$ BEGIN "
            "PERFORM 1 FROM console_index_state WHERE id = 1 FOR UPDATE; "
            f"{deletes} RETURN NULL; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON {ERASURES_TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
        )
    else:
        op.execute(f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON {ERASURES_TABLE} BEGIN {deletes} END")
    _forget_erasures_not_yet_synced(bind)


def _forget_erasures_not_yet_synced(bind: sa.engine.Connection) -> None:
    """Until now the index sync removed the copies: do it for erasures it has not seen yet."""
    state = sa.table("console_index_state", sa.column("id"), sa.column("last_erasure_id"))
    seen = sa.select(state.c.last_erasure_id).where(state.c.id == 1).scalar_subquery()
    waiting = sa.select(erasures.c.sender_id).where(erasures.c.id > seen)
    for table in COPIES:
        copy = sa.table(table, sa.column("sender_id"))
        bind.execute(sa.delete(copy).where(copy.c.sender_id.in_(waiting)))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {TRIGGER} ON {ERASURES_TABLE}")
        op.execute(f"DROP FUNCTION {TRIGGER}()")
    else:
        op.execute(f"DROP TRIGGER {TRIGGER}")
