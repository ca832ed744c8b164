"""Rasa's `events` table (SQLTrackerStore, Rasa 3.6), read-only.

Rasa writes one row per event: `type_name` is the event type (`user`, `bot`, `slot`,
`action`, ...), `intent_name` the intent of a user message, `action_name` the `name` of the
event (the action's, or the slot's for slot events) and `data` the event as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

EVENTS_TABLE = "events"

events = sa.Table(
    EVENTS_TABLE,
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


@dataclass(frozen=True)
class StoredEvent:
    """One row of the `events` table with its JSON decoded."""

    id: int
    sender_id: str
    type_name: str
    timestamp: float
    name: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The text of a user or bot message ('' when there is none)."""
        value = self.data.get("text")
        return value if isinstance(value, str) else ""


def decode_data(raw: str | bytes | None) -> dict[str, Any]:
    """The event's JSON as a dict; anything malformed becomes an empty dict."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def from_row(row: Any) -> StoredEvent:
    """Build a StoredEvent from a selected row of `events`."""
    return StoredEvent(
        id=int(row.id),
        sender_id=str(row.sender_id),
        type_name=str(row.type_name),
        timestamp=float(row.timestamp or 0.0),
        name=row.action_name,
        data=decode_data(row.data),
    )


def table_exists(connection: Connection, name: str = EVENTS_TABLE) -> bool:
    """True when the table exists (Rasa creates `events` when it first starts)."""
    return sa.inspect(connection).has_table(name)


def conversation_events(connection: Connection, sender_id: str) -> list[StoredEvent]:
    """Every stored event of one conversation (all sessions), oldest first."""
    if not table_exists(connection):
        return []
    rows = connection.execute(
        sa.select(events).where(events.c.sender_id == sender_id).order_by(events.c.id)
    )
    return [from_row(row) for row in rows]


def senders_with_events_after(connection: Connection, after_id: int) -> Iterator[tuple[str, int]]:
    """(sender_id, highest event id) of conversations with events above `after_id`."""
    rows = connection.execute(
        sa.select(events.c.sender_id, sa.func.max(events.c.id))
        .where(events.c.id > after_id)
        .group_by(events.c.sender_id)
    )
    for sender_id, highest in rows:
        yield str(sender_id), int(highest)
