"""The access log: who did what, when and from where. Append-only.

This module only inserts and reads; the database refuses UPDATE and DELETE on the table
(triggers created by the first migration). Details never hold message content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.console.db import utcnow
from bot.console.tables import audit_log

LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"
VIEW_QUEUE = "view_queue"
VIEW_TRANSCRIPT = "view_transcript"
FOLLOW_UP_CHANGE = "follow_up_change"
NOTE_ADDED = "note_added"
ACCOUNT_CHANGE = "account_change"
ERASE = "erase"
RETENTION_PURGE = "retention_purge"
EXPORT = "export"
REVIEW = "review"
ACCESS_DENIED = "access_denied"
ACTIONS = (
    LOGIN,
    LOGIN_FAILED,
    LOGOUT,
    VIEW_QUEUE,
    VIEW_TRANSCRIPT,
    FOLLOW_UP_CHANGE,
    NOTE_ADDED,
    ACCOUNT_CHANGE,
    ERASE,
    RETENTION_PURGE,
    EXPORT,
    REVIEW,
    ACCESS_DENIED,
)


@dataclass(frozen=True)
class AuditEntry:
    """One line of the access log."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    target: str | None
    ip: str | None
    detail: str | None


def record(
    connection: Connection,
    actor: str,
    action: str,
    target: str | None = None,
    ip: str | None = None,
    detail: str | None = None,
) -> None:
    """Append one entry (long values are cut to the column sizes)."""
    connection.execute(
        sa.insert(audit_log).values(
            at=utcnow(),
            actor=(actor or "?")[:64],
            action=action[:40],
            target=target[:255] if target else None,
            ip=ip[:64] if ip else None,
            detail=detail[:500] if detail else None,
        )
    )


def entries(
    connection: Connection,
    action: str | None = None,
    actor: str | None = None,
    target: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[AuditEntry]:
    """The newest entries first, optionally narrowed to one action, actor or target."""
    statement = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit).offset(offset)
    if action:
        statement = statement.where(audit_log.c.action == action)
    if actor:
        statement = statement.where(audit_log.c.actor == actor)
    if target:
        statement = statement.where(audit_log.c.target == target)
    return [AuditEntry(**row._mapping) for row in connection.execute(statement)]
