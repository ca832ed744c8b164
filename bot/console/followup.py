"""Follow-up of a conversation: status, assignee, referral and dated notes, all attributed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.console.db import utcnow
from bot.console.index import lock_conversations
from bot.console.tables import FOLLOW_UP_STATUSES, follow_up_changes, follow_ups, notes
from bot.conversations.events import events, table_exists

MAX_NOTE_CHARS = 5000
MAX_FIELD_CHARS = 255


class FollowUpError(ValueError):
    """A follow-up change that cannot be saved, with a message for the caseworker."""


@dataclass(frozen=True)
class FollowUp:
    """The current follow-up of a conversation (status `new` until someone acts)."""

    sender_id: str
    status: str = "new"
    assignee: str | None = None
    referral: str | None = None
    updated_at: dt.datetime | None = None
    updated_by: str | None = None


@dataclass(frozen=True)
class Change:
    """One field changed by one person at one time."""

    at: dt.datetime
    by: str
    field: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class Note:
    """A dated note a caseworker wrote."""

    at: dt.datetime
    by: str
    text: str


# Fields a caseworker types freely: the access log says that they changed, never what to.
FREE_TEXT_FIELDS = frozenset({"referral"})


def audit_detail(change: Change) -> str:
    """What the access log keeps of one change (no free text: it is not erased with the case)."""
    if change.field in FREE_TEXT_FIELDS:
        if change.old_value is None:
            return f"{change.field} set"
        return f"{change.field} removed" if change.new_value is None else f"{change.field} changed"
    return f"{change.field}: {change.old_value or '-'} -> {change.new_value or '-'}"


def _lock_stored(connection: Connection, sender_id: str) -> None:
    """Take the index's lock, then refuse a conversation that is not (or no longer) stored.

    Under that lock an erasure cannot commit between this check and the write that follows,
    so nothing a caseworker types outlives the conversation it is about.
    """
    lock_conversations(connection)
    stored = (
        table_exists(connection)
        and connection.execute(
            sa.select(events.c.id).where(events.c.sender_id == sender_id).limit(1)
        ).first()
    )
    if not stored:
        raise FollowUpError("This conversation is no longer stored: it was erased.")


def get_follow_up(connection: Connection, sender_id: str) -> FollowUp:
    """The conversation's follow-up (a fresh `new` one when nobody acted yet)."""
    row = connection.execute(
        sa.select(follow_ups).where(follow_ups.c.sender_id == sender_id)
    ).first()
    return FollowUp(**row._mapping) if row else FollowUp(sender_id)


def update_follow_up(
    connection: Connection,
    sender_id: str,
    by: str,
    status: str,
    assignee: str | None,
    referral: str | None,
) -> list[Change]:
    """Save the fields that changed, each with who and when; return those changes."""
    if status not in FOLLOW_UP_STATUSES:
        raise FollowUpError(f"Unknown status {status!r}.")
    assignee = (assignee or "").strip()[:64] or None
    referral = (referral or "").strip()
    if len(referral) > MAX_FIELD_CHARS:
        raise FollowUpError(f"The referral can have at most {MAX_FIELD_CHARS} characters.")
    if status == "referred" and not referral:
        raise FollowUpError("Say to which organisation the person was referred.")
    _lock_stored(connection, sender_id)
    current = get_follow_up(connection, sender_id)
    now = utcnow()
    wanted = {"status": status, "assignee": assignee, "referral": referral or None}
    changes = [
        Change(now, by, name, getattr(current, name), value)
        for name, value in wanted.items()
        if getattr(current, name) != value
    ]
    if not changes:
        return []
    values = {**wanted, "updated_at": now, "updated_by": by}
    if current.updated_at is None:
        connection.execute(sa.insert(follow_ups).values(sender_id=sender_id, **values))
    else:
        connection.execute(
            sa.update(follow_ups).where(follow_ups.c.sender_id == sender_id).values(**values)
        )
    connection.execute(
        sa.insert(follow_up_changes),
        [
            {
                "sender_id": sender_id,
                "at": c.at,
                "by": c.by,
                "field": c.field,
                "old_value": c.old_value,
                "new_value": c.new_value,
            }
            for c in changes
        ],
    )
    return changes


def add_note(connection: Connection, sender_id: str, by: str, text: str) -> Note:
    """Add a dated note (stripped; empty or over-long notes are refused)."""
    text = text.strip()
    if not text:
        raise FollowUpError("The note is empty.")
    if len(text) > MAX_NOTE_CHARS:
        raise FollowUpError(f"A note can have at most {MAX_NOTE_CHARS} characters.")
    _lock_stored(connection, sender_id)
    note = Note(utcnow(), by, text)
    connection.execute(sa.insert(notes).values(sender_id=sender_id, at=note.at, by=by, text=text))
    return note


def history(connection: Connection, sender_id: str) -> tuple[list[Change], list[Note]]:
    """Every change and note of a conversation's follow-up, oldest first."""
    changes = [
        Change(r.at, r.by, r.field, r.old_value, r.new_value)
        for r in connection.execute(
            sa.select(follow_up_changes)
            .where(follow_up_changes.c.sender_id == sender_id)
            .order_by(follow_up_changes.c.id)
        )
    ]
    written = [
        Note(r.at, r.by, r.text)
        for r in connection.execute(
            sa.select(notes).where(notes.c.sender_id == sender_id).order_by(notes.c.id)
        )
    ]
    return changes, written
