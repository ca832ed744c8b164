"""Erasure by an admin and the retention job; both leave an audit entry without content."""

from __future__ import annotations

import time

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.console import audit
from bot.console.index import forget_staff_records, sync
from bot.console.tables import OPEN_STATUSES, conversations, follow_ups
from bot.conversations.erasure import erase_conversation

DAY_S = 86400.0
RETENTION_ACTOR = "retention-job"


def erase_by_admin(connection: Connection, sender_id: str, admin: str, ip: str | None) -> int:
    """Erase one conversation on request; return how many stored events were deleted."""
    deleted = erase_conversation(connection, sender_id, requested_by="admin")
    forget_staff_records(connection, sender_id)
    connection.execute(sa.delete(conversations).where(conversations.c.sender_id == sender_id))
    audit.record(
        connection, admin, audit.ERASE, sender_id, ip, f"erased on request ({deleted} events)"
    )
    return deleted


def expired_conversations(connection: Connection, days: int, now: float | None = None) -> list[str]:
    """Conversations silent for more than `days` whose follow-up is not open."""
    cutoff = (now if now is not None else time.time()) - days * DAY_S
    is_open = (
        sa.select(follow_ups.c.sender_id)
        .where(
            follow_ups.c.sender_id == conversations.c.sender_id,
            follow_ups.c.status.in_(OPEN_STATUSES),
        )
        .exists()
    )
    rows = connection.execute(
        sa.select(conversations.c.sender_id)
        .where(conversations.c.last_message_at < cutoff, ~is_open)
        .order_by(conversations.c.last_message_at)
    )
    return [sender for (sender,) in rows]


def purge_expired(
    connection: Connection, days: int, now: float | None = None, actor: str = RETENTION_ACTOR
) -> list[str]:
    """Erase every expired conversation (after bringing the index up to date)."""
    sync(connection)
    erased = expired_conversations(connection, days, now)
    for sender_id in erased:
        deleted = erase_conversation(connection, sender_id, requested_by="retention")
        forget_staff_records(connection, sender_id)
        connection.execute(sa.delete(conversations).where(conversations.c.sender_id == sender_id))
        audit.record(
            connection,
            actor,
            audit.RETENTION_PURGE,
            sender_id,
            None,
            f"older than {days} days, no open follow-up ({deleted} events)",
        )
    return erased
