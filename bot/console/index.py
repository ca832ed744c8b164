"""The console's index of conversations (`console_conversations`), kept in step with Rasa.

Rasa's `events` table has one row per event and an index on `sender_id` only, so sorting
10,000 conversations by risk on every page load would mean reading every event. Instead
each sync reads only the events added since the last one and recomputes the summary of each
conversation they belong to (from all its events, so a sync can run twice safely), in short
transactions of a few hundred conversations so that the bot can store a person's message in
between. The index holds labels and times, never message text. An erasure removes the
conversation's row itself (the console's trigger on `lantern_erasures`); a sync only
re-reads what changed around it.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.console.db import utcnow
from bot.console.tables import conversations, index_state
from bot.conversations.erasure import ERASURES_TABLE, erasures
from bot.conversations.events import StoredEvent, events, from_row, table_exists
from bot.conversations.summary import ConversationSummary, summarise

# On PostgreSQL two transactions can commit their event ids out of order, so events are
# re-read this far behind the last id seen, and a late commit is not missed. SQLite has one
# writer at a time: its ids commit in order.
REPLAY_WINDOW = {"postgresql": 200}
# With nothing new, a sync writes nothing, except this often (to re-read that window).
RESYNC_EVERY = dt.timedelta(seconds=30)
CHUNK = 400  # conversations per IN (...) query
# Conversations per transaction: each holds SQLite's write lock for a fraction of a second.
BATCH = 200
# SQLite's writers wait by polling (every 100 ms once they have waited a while) and nothing
# queues them, so a job that starts its next batch at once can take the lock again before a
# waiting writer looks: between batches it steps aside for longer than one poll.
PAUSE_BETWEEN_BATCHES_S = {"sqlite": 0.15}


@dataclass(frozen=True)
class SyncResult:
    """How many conversations a sync updated and removed."""

    updated: int
    removed: int


def lock_conversations(connection: Connection) -> None:
    """Take the index's lock row; call first in a transaction that writes about a conversation.

    Erasures (the console's trigger on `lantern_erasures`, migration 0003), index batches and
    staff writes (follow-up, notes, reviews) all take it before they read, so none of them
    writes a copy of a conversation from what it read before an erasure committed. On SQLite
    this write also starts the transaction, so the reads that follow see the latest state.
    """
    connection.execute(
        sa.update(index_state)
        .where(index_state.c.id == 1)
        .values(synced_at=index_state.c.synced_at)
    )


def _position(connection: Connection) -> tuple[int, int]:
    """The last event id and erasure id the index has seen."""
    row = connection.execute(
        sa.select(index_state.c.last_event_id, index_state.c.last_erasure_id).where(
            index_state.c.id == 1
        )
    ).one()
    return int(row.last_event_id), int(row.last_erasure_id)


def _load_events(connection: Connection, senders: list[str]) -> dict[str, list[StoredEvent]]:
    """All events of these conversations; only slot events' JSON is read."""
    grouped: dict[str, list[StoredEvent]] = {sender: [] for sender in senders}
    for start in range(0, len(senders), CHUNK):
        chunk = senders[start : start + CHUNK]
        rows = connection.execute(
            sa.select(
                events.c.id,
                events.c.sender_id,
                events.c.type_name,
                events.c.timestamp,
                events.c.action_name,
                sa.case((events.c.type_name == "slot", events.c.data), else_=None).label("data"),
            )
            .where(events.c.sender_id.in_(chunk))
            .order_by(events.c.sender_id, events.c.id)
        )
        for row in rows:
            grouped[row.sender_id].append(from_row(row))
    return grouped


def _row(summary: ConversationSummary) -> dict[str, object]:
    return {
        "sender_id": summary.sender_id,
        "started_at": summary.started_at,
        "last_message_at": summary.last_message_at,
        "last_event_id": summary.last_event_id,
        "person_messages": summary.person_messages,
        "risk_level": summary.risk_level,
        "risk_rank": summary.risk_rank,
        "risk_reasons": json.dumps(list(summary.risk_reasons)),
        "red_flags": json.dumps(list(summary.red_flags)),
        "stage": summary.stage,
        "country": summary.country,
        "home_country": summary.home_country,
        "urgent": summary.urgent,
        "about_other": summary.about_other,
    }


def refresh(connection: Connection, senders: Iterable[str]) -> tuple[int, int]:
    """Recompute these conversations' rows; remove those that have no events left."""
    wanted = sorted(set(senders))
    if not wanted:
        return 0, 0
    grouped = _load_events(connection, wanted)
    updated = removed = 0
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        connection.execute(sa.delete(conversations).where(conversations.c.sender_id.in_(chunk)))
        rows = []
        for sender in chunk:
            summary = summarise(sender, grouped[sender])
            if summary is None:
                removed += 1
            else:
                rows.append(_row(summary))
        if rows:
            connection.execute(sa.insert(conversations), rows)
            updated += len(rows)
    return updated, removed


def _reconcile(connection: Connection) -> tuple[set[str], int]:
    """Conversations whose stored events differ from the index, and the highest stored id.

    Needed after an erasure: SQLite gives the ids of deleted rows at the end of the table to
    the next rows stored, so new events can arrive below the last id the index saw.
    """
    stored = {
        str(sender): int(highest)
        for sender, highest in connection.execute(
            sa.select(events.c.sender_id, sa.func.max(events.c.id)).group_by(events.c.sender_id)
        )
    }
    indexed = {
        str(sender): int(highest)
        for sender, highest in connection.execute(
            sa.select(conversations.c.sender_id, conversations.c.last_event_id)
        )
    }
    changed = {sender for sender, highest in stored.items() if indexed.get(sender) != highest}
    return changed | (set(indexed) - set(stored)), max(stored.values(), default=0)


def _has_news(connection: Connection) -> bool:
    """True when events or erasures arrived since the last sync (or it is time to re-read)."""
    state = connection.execute(sa.select(index_state).where(index_state.c.id == 1)).one()
    if state.synced_at is None or utcnow() - state.synced_at > RESYNC_EVERY:
        return True
    if table_exists(connection):
        newest = connection.execute(sa.select(sa.func.max(events.c.id))).scalar()
        if newest is not None and newest > state.last_event_id:
            return True
    if table_exists(connection, ERASURES_TABLE):
        newest = connection.execute(sa.select(sa.func.max(erasures.c.id))).scalar()
        if newest is not None and newest > state.last_erasure_id:
            return True
    return False


def let_writers_in(engine: Engine) -> None:
    """Between two batches of a long job: give writers waiting for SQLite's lock their turn."""
    time.sleep(PAUSE_BETWEEN_BATCHES_S.get(engine.dialect.name, 0.0))


@dataclass(frozen=True)
class _Plan:
    """What one sync has to do: the conversations to recompute and the position after it."""

    senders: list[str]
    newest_event: int
    newest_erasure: int


def _plan(connection: Connection) -> _Plan | None:
    """Read (without writing) which conversations changed since the last sync."""
    if not table_exists(connection):
        return None
    last_event_id, last_erasure_id = _position(connection)
    window = REPLAY_WINDOW.get(connection.dialect.name, 0)
    recent = connection.execute(
        sa.select(events.c.sender_id, sa.func.max(events.c.id))
        .where(events.c.id > max(last_event_id - window, 0))
        .group_by(events.c.sender_id)
    ).all()
    senders = {str(sender) for sender, _ in recent}
    newest_event = max([last_event_id, *(int(highest) for _, highest in recent)])
    newest_erasure = last_erasure_id
    if table_exists(connection, ERASURES_TABLE):
        erased = connection.execute(
            sa.select(erasures.c.id, erasures.c.sender_id).where(erasures.c.id > last_erasure_id)
        ).all()
        senders |= {str(sender_id) for _, sender_id in erased}
        newest_erasure = max([last_erasure_id, *(int(erasure_id) for erasure_id, _ in erased)])
        if erased:
            changed, newest_event = _reconcile(connection)
            senders |= changed
    return _Plan(sorted(senders), newest_event, newest_erasure)


# One sync at a time per process (the console's threads); syncs in other processes are safe
# too, only wasteful, because every batch recomputes its conversations from their events.
_SYNCING = threading.Lock()


def sync(engine: Engine, force: bool = False, batch: int = BATCH) -> SyncResult:
    """Bring the index up to date in short transactions of `batch` conversations each.

    A person's message waits for at most one batch (SQLite has one writer at a time, and
    Rasa gives up after 5 s), never for the whole first index of thousands of conversations.
    When nothing arrived since the last sync it only reads, so page loads stay cheap.
    """
    with _SYNCING:
        with engine.connect() as connection:
            if not force and not _has_news(connection):
                return SyncResult(0, 0)
            plan = _plan(connection)
        updated = removed = 0
        if plan is not None:
            for start in range(0, len(plan.senders), batch):
                if start:
                    let_writers_in(engine)
                with engine.begin() as connection:
                    lock_conversations(connection)
                    done, gone = refresh(connection, plan.senders[start : start + batch])
                updated, removed = updated + done, removed + gone
        with engine.begin() as connection:
            values: dict[str, object] = {"synced_at": utcnow()}
            if plan is not None:
                values.update(last_event_id=plan.newest_event, last_erasure_id=plan.newest_erasure)
            connection.execute(sa.update(index_state).where(index_state.c.id == 1).values(**values))
        return SyncResult(updated, removed)
