"""Staff work lets the bot store a person's message while it runs (SQLite, PostgreSQL).

Before every statement the console sends while it indexes or purges, a second connection
tries, without waiting, what the bot needs at that moment: on SQLite to store a message
(one writer at a time), on PostgreSQL to take the lock an erasure takes. Work done in one
long transaction refuses every try after its first write until it ends; work in short
transactions lets tries through between its batches. No clock is involved.
"""

from __future__ import annotations

import sqlite3
import time

import psycopg2
import pytest
import sqlalchemy as sa

from bot.console.bench import populate
from bot.console.index import sync
from bot.console.retention import purge_expired
from bot.console.tables import conversations

CONVERSATIONS = 600


class Prober:
    """Tries, before each statement of the engine, what the bot would need right then."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine
        self.outcomes: list[bool] = []
        url = engine.url
        if url.get_backend_name() == "sqlite":
            self.other = sqlite3.connect(url.database, timeout=0, isolation_level=None)
        else:
            self.other = psycopg2.connect(
                host=url.host, port=url.port, user=url.username, dbname=url.database
            )
            self.other.autocommit = False
        self.number = 0

    def _try(self) -> bool:
        self.number += 1
        try:
            if isinstance(self.other, sqlite3.Connection):
                self.other.execute(
                    "INSERT INTO events (sender_id, type_name, timestamp, data) "
                    "VALUES (?, 'user', ?, '{}')",
                    (f"probe-{self.number}", time.time()),
                )
            else:
                with self.other.cursor() as cursor:
                    cursor.execute(
                        "SELECT 1 FROM console_index_state WHERE id = 1 FOR UPDATE NOWAIT"
                    )
                self.other.rollback()
        except (sqlite3.OperationalError, psycopg2.errors.LockNotAvailable):
            if not isinstance(self.other, sqlite3.Connection):
                self.other.rollback()
            return False
        return True

    def __enter__(self) -> Prober:
        sa.event.listen(self.engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *exc: object) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._before)
        self.other.close()

    def _before(self, *args: object) -> None:
        self.outcomes.append(self._try())

    def releases(self) -> int:
        """How often a refused try was followed by one that went through."""
        return sum(1 for a, b in zip(self.outcomes, self.outcomes[1:]) if not a and b)


@pytest.fixture()
def stored(engine) -> sa.engine.Engine:
    populate(engine, CONVERSATIONS)  # spread over the last 60 days
    return engine


def test_the_first_index_lets_messages_through_between_batches(stored):
    with Prober(stored) as prober:
        sync(stored, force=True, batch=100)
    assert False in prober.outcomes  # each batch does hold the lock while it writes
    assert prober.releases() >= CONVERSATIONS // 100 - 1
    sync(stored)
    with stored.connect() as connection:
        indexed = connection.execute(sa.select(sa.func.count()).select_from(conversations))
        assert indexed.scalar_one() >= CONVERSATIONS  # the probes' messages are indexed too


def test_a_purge_lets_messages_through_between_batches(stored):
    sync(stored, force=True)
    with Prober(stored) as prober:
        erased = purge_expired(stored, days=30, batch=25)
    assert len(erased) > 100
    assert False in prober.outcomes
    assert prober.releases() >= len(erased) // 25 - 1
