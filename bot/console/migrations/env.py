"""Alembic environment of the console: its own version table, run on a given connection."""

from __future__ import annotations

from alembic import context

from bot.console.tables import metadata

VERSION_TABLE = "console_alembic_version"


def run_migrations() -> None:
    """Migrate over the connection `bot.console.db.migrate` passes in."""
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
