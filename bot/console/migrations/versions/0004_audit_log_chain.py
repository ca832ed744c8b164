"""The access log becomes a sealed chain, and an insert may only extend it.

Adds `prev_hash` and `row_hash` (bot.console.auditchain), seals the rows already there in id
order (the only time rows of the log are written to after their insert: the append-only
triggers are lifted for it and put back), and adds a trigger that refuses any insert that
does not extend the chain: a missing or already used id (SQLite's `REPLACE` / `INSERT OR
REPLACE` on an existing id rewrote a row without firing the delete trigger), or a previous
seal other than the newest row's.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

from bot.console import auditchain
from bot.console.config import audit_key

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLE = "console_audit_log"
EXTEND_ONLY = "console_audit_log_extend_only"
MESSAGE = "console_audit_log is append-only: a new row must extend the chain"
NEWEST_HASH = f"(SELECT row_hash FROM {TABLE} ORDER BY id DESC LIMIT 1)"


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column(TABLE, sa.Column("prev_hash", sa.String(64)))
    op.add_column(TABLE, sa.Column("row_hash", sa.String(64)))
    _set_append_only_triggers(bind.dialect.name, enabled=False)
    _seal_existing_rows(bind)
    _set_append_only_triggers(bind.dialect.name, enabled=True)
    if bind.dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {EXTEND_ONLY}() RETURNS trigger AS $$ "
            "DECLARE newest_id integer; newest_hash text; BEGIN "
            f"SELECT id, row_hash INTO newest_id, newest_hash FROM {TABLE} "
            "ORDER BY id DESC LIMIT 1; "
            "IF NEW.id IS NULL OR NEW.id <= COALESCE(newest_id, 0) OR NEW.row_hash IS NULL "
            f"OR NEW.prev_hash IS DISTINCT FROM COALESCE(newest_hash, '{auditchain.GENESIS}') "
            f"THEN RAISE EXCEPTION '{MESSAGE}'; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {EXTEND_ONLY} BEFORE INSERT ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {EXTEND_ONLY}()"
        )
    else:
        op.execute(
            f"CREATE TRIGGER {EXTEND_ONLY} BEFORE INSERT ON {TABLE} "
            f"WHEN NEW.id IS NULL OR NEW.id <= COALESCE((SELECT MAX(id) FROM {TABLE}), 0) "
            "OR NEW.row_hash IS NULL "
            f"OR NEW.prev_hash IS NOT COALESCE({NEWEST_HASH}, '{auditchain.GENESIS}') "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def _set_append_only_triggers(dialect: str, enabled: bool) -> None:
    """Lift or restore the UPDATE/DELETE refusal of migration 0001."""
    if dialect == "postgresql":
        verb = "ENABLE" if enabled else "DISABLE"
        op.execute(f"ALTER TABLE {TABLE} {verb} TRIGGER console_audit_log_append_only")
    elif dialect == "sqlite":
        for action in ("update", "delete"):
            if enabled:
                op.execute(
                    f"CREATE TRIGGER console_audit_log_no_{action} BEFORE {action.upper()} "
                    f"ON {TABLE} BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END"
                )
            else:
                op.execute(f"DROP TRIGGER console_audit_log_no_{action}")


def _seal_existing_rows(bind: sa.engine.Connection) -> None:
    """Chain the rows written before this migration, oldest first."""
    table = sa.table(
        TABLE,
        sa.column("id", sa.Integer),
        sa.column("at", sa.DateTime),
        *(sa.column(name, sa.String) for name in ("actor", "action", "target", "ip", "detail")),
        sa.column("prev_hash", sa.String),
        sa.column("row_hash", sa.String),
    )
    key = audit_key()
    previous = auditchain.GENESIS
    rows = (
        bind.execute(
            sa.select(*(table.c[name] for name in auditchain.SEALED_FIELDS)).order_by(table.c.id)
        )
        .mappings()
        .all()
    )
    for row in rows:
        sealed = auditchain.seal(key, row, previous)
        bind.execute(
            sa.update(table)
            .where(table.c.id == row["id"])
            .values(prev_hash=previous, row_hash=sealed)
        )
        previous = sealed


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {EXTEND_ONLY} ON {TABLE}")
        op.execute(f"DROP FUNCTION {EXTEND_ONLY}()")
    else:
        op.execute(f"DROP TRIGGER {EXTEND_ONLY}")
    _set_append_only_triggers(op.get_bind().dialect.name, enabled=False)
    op.drop_column(TABLE, "row_hash")
    op.drop_column(TABLE, "prev_hash")
    _set_append_only_triggers(op.get_bind().dialect.name, enabled=True)
