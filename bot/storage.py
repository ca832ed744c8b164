"""Checks and preparation of the stores Rasa uses (SQL tracker store, Redis lock store).

Rasa silently falls back to an in-memory tracker store when the database fails, so
`make run` calls these first and stops with a clear message instead.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.ops.private_files import make_sqlite_private, private_dir


class StoreUnavailable(RuntimeError):
    """A configured store cannot be reached."""


def ensure_database(url: str) -> None:
    """Create the SQLite folder or the PostgreSQL database if missing, then connect once.
    A SQLite database and its folder are private to the service (0600 / 0700)."""
    parsed = make_url(url)
    sqlite_file = None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            sqlite_file = Path(parsed.database)
            private_dir(sqlite_file.parent)
    elif parsed.get_backend_name() == "postgresql":
        _create_postgres_database(parsed)
    try:
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except sa.exc.SQLAlchemyError as error:
        raise StoreUnavailable(f"cannot use the database {parsed!r}: {error}") from error
    if sqlite_file is not None:
        make_sqlite_private(sqlite_file)


def _create_postgres_database(parsed: sa.engine.URL) -> None:
    """CREATE DATABASE when it does not exist (connects to the `postgres` database)."""
    server = parsed.set(database="postgres")
    try:
        engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": parsed.database},
            ).scalar()
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
        engine.dispose()
    except sa.exc.SQLAlchemyError as error:
        raise StoreUnavailable(f"cannot reach PostgreSQL at {server!r}: {error}") from error


def check_redis(host: str, port: int, db: int) -> None:
    """Ping Redis, or raise StoreUnavailable."""
    import redis

    try:
        redis.Redis(host=host, port=port, db=db, socket_timeout=3).ping()
    except redis.RedisError as error:
        raise StoreUnavailable(f"cannot reach Redis at {host}:{port}: {error}") from error
