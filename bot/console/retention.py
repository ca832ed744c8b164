"""Erasure by an admin and the retention job; both leave an audit entry without content.

`erase_conversation` deletes the stored events and records the erasure; the console's trigger
on that record deletes the index row, follow-up, notes and reviews in the same transaction.
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.console import audit
from bot.console.index import let_writers_in, lock_conversations, refresh, sync
from bot.console.tables import OPEN_STATUSES, conversations, follow_ups
from bot.conversations.erasure import erase_conversation

DAY_S = 86400.0
RETENTION_ACTOR = "retention-job"
# Conversations erased per transaction: the bot can store a message between two batches.
PURGE_BATCH = 20


def erase_by_admin(connection: Connection, sender_id: str, admin: str, ip: str | None) -> int:
    """Erase one conversation on request; return how many stored events were deleted."""
    deleted = erase_conversation(connection, sender_id, requested_by="admin")
    audit.record(
        connection, admin, audit.ERASE, sender_id, ip, f"erased on request ({deleted} events)"
    )
    return deleted


def expired_conversations(
    connection: Connection, days: int, now: float | None = None, among: list[str] | None = None
) -> list[str]:
    """Conversations silent for more than `days` whose follow-up is not open (of `among`)."""
    cutoff = (now if now is not None else time.time()) - days * DAY_S
    is_open = (
        sa.select(follow_ups.c.sender_id)
        .where(
            follow_ups.c.sender_id == conversations.c.sender_id,
            follow_ups.c.status.in_(OPEN_STATUSES),
        )
        .exists()
    )
    statement = (
        sa.select(conversations.c.sender_id)
        .where(conversations.c.last_message_at < cutoff, ~is_open)
        .order_by(conversations.c.last_message_at)
    )
    if among is not None:
        statement = statement.where(conversations.c.sender_id.in_(among))
    rows = connection.execute(statement)
    return [sender for (sender,) in rows]


def purge_expired(
    engine: Engine,
    days: int,
    now: float | None = None,
    actor: str = RETENTION_ACTOR,
    batch: int = PURGE_BATCH,
) -> list[str]:
    """Erase every expired conversation, `batch` per transaction; return those erased.

    Each batch takes the index's lock and recomputes its conversations first, so one where
    the person wrote again or a follow-up was opened meanwhile is kept.
    """
    sync(engine)
    with engine.connect() as connection:
        candidates = expired_conversations(connection, days, now)
    erased: list[str] = []
    for start in range(0, len(candidates), batch):
        if start:
            let_writers_in(engine)
        with engine.begin() as connection:
            lock_conversations(connection)
            chunk = candidates[start : start + batch]
            refresh(connection, chunk)
            for sender_id in expired_conversations(connection, days, now, among=chunk):
                deleted = erase_conversation(connection, sender_id, requested_by="retention")
                audit.record(
                    connection,
                    actor,
                    audit.RETENTION_PURGE,
                    sender_id,
                    None,
                    f"older than {days} days, no open follow-up ({deleted} events)",
                )
                erased.append(sender_id)
    return erased
