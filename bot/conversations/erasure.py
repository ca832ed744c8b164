"""Erase one conversation from Rasa's tracker store and record that it happened.

The record keeps no content: which conversation id, when, and who asked (the person in the
chat, an admin in the console, or the retention job). Staff see only that an erasure happened.

Other parts keep their own copies of a conversation (the staff console: index row, follow-up,
notes, reviews). They do not wait to hear of the erasure: a trigger they own on the erasure
record deletes their copies when it is inserted, inside the transaction that deleted the
events (the console's migration 0003). This module never names another part's tables.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

EVENTS_TABLE = "events"  # Rasa's SQLTrackerStore table
ERASURES_TABLE = "lantern_erasures"
REQUESTERS = frozenset({"person", "admin", "retention"})

metadata = sa.MetaData()
erasures = sa.Table(
    ERASURES_TABLE,
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("erased_at", sa.Float, nullable=False),
    sa.Column("requested_by", sa.String(16), nullable=False),
)
_events = sa.table(EVENTS_TABLE, sa.column("sender_id", sa.String))


@dataclass(frozen=True)
class Erasure:
    """That a conversation was erased: no content, only id, time and requester."""

    sender_id: str
    erased_at: float
    requested_by: str


def erase_conversation(connection: Connection, sender_id: str, requested_by: str) -> int:
    """Delete every stored event of `sender_id` and record the erasure; return rows deleted.

    Runs in the caller's transaction (use `engine.begin()`): when it commits, every copy is
    gone (the record's triggers delete the other parts' copies). The erasure is recorded even
    when nothing was stored, so a request is never lost silently.
    """
    if requested_by not in REQUESTERS:
        raise ValueError(f"requested_by must be one of {sorted(REQUESTERS)}")
    if not sender_id:
        raise ValueError("sender_id is empty")
    metadata.create_all(connection, tables=[erasures], checkfirst=True)
    deleted = 0
    if sa.inspect(connection).has_table(EVENTS_TABLE):
        result = connection.execute(sa.delete(_events).where(_events.c.sender_id == sender_id))
        deleted = result.rowcount or 0
    connection.execute(
        erasures.insert().values(
            sender_id=sender_id, erased_at=time.time(), requested_by=requested_by
        )
    )
    return deleted


def list_erasures(connection: Connection, limit: int = 100) -> list[Erasure]:
    """The latest erasures, newest first (empty when none was ever recorded)."""
    if not sa.inspect(connection).has_table(ERASURES_TABLE):
        return []
    rows = connection.execute(
        sa.select(erasures.c.sender_id, erasures.c.erased_at, erasures.c.requested_by)
        .order_by(erasures.c.erased_at.desc(), erasures.c.id.desc())
        .limit(limit)
    )
    return [Erasure(*row) for row in rows]
