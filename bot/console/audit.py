"""The access log: who did what, when and from where. Append-only and sealed.

This module only appends and reads. The database refuses UPDATE and DELETE on the table, and
any insert that does not extend the chain (REPLACE of an existing row included): triggers
created by the migrations. Each row carries a seal over its content and the previous row's
seal (`auditchain`), so a row changed by someone who can bypass the triggers is found by
`verify_log`. Details never hold message text or anything a caseworker typed about a case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.console import auditchain
from bot.console.config import audit_key
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
VERIFY_LOG = "verify_log"
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
    VERIFY_LOG,
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


def _lock_log(connection: Connection) -> None:
    """Serialise appends, so two writers never seal a row onto the same predecessor.

    PostgreSQL: a table lock that blocks other appends (not reads) until this transaction
    ends. SQLite: take the database's write lock now (BEGIN IMMEDIATE) unless this
    transaction already holds it, so the newest row read next is still the newest at insert.
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"LOCK TABLE {audit_log.name} IN SHARE ROW EXCLUSIVE MODE")
    elif connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def record(
    connection: Connection,
    actor: str,
    action: str,
    target: str | None = None,
    ip: str | None = None,
    detail: str | None = None,
) -> None:
    """Append one entry, sealed onto the newest one (long values are cut to the column sizes)."""
    _lock_log(connection)
    newest = connection.execute(
        sa.select(audit_log.c.id, audit_log.c.row_hash).order_by(audit_log.c.id.desc()).limit(1)
    ).first()
    prev_hash = newest.row_hash if newest else auditchain.GENESIS
    row = {
        "id": newest.id + 1 if newest else 1,
        "at": utcnow(),
        "actor": (actor or "?")[:64],
        "action": action[:40],
        "target": target[:255] if target else None,
        "ip": ip[:64] if ip else None,
        "detail": detail[:500] if detail else None,
    }
    connection.execute(
        sa.insert(audit_log).values(
            **row, prev_hash=prev_hash, row_hash=auditchain.seal(audit_key(), row, prev_hash)
        )
    )


def verify_log(connection: Connection) -> auditchain.ChainCheck:
    """Check the whole chain of the access log; name the first row that does not verify."""
    return auditchain.verify(connection, audit_log, audit_key())


def describe(check: auditchain.ChainCheck) -> str:
    """One line for people (and for the log's own entry about the check)."""
    if not check.intact:
        return f"broken at row {check.broken_id}: {check.problem}"
    if check.head_id is None:
        return "intact: the log is empty"
    return (
        f"intact: {check.rows} row(s); newest row {check.head_id}, "
        f"seal {check.head_hash} (note it: a later check must show it again)"
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
    return [
        AuditEntry(**{name: row._mapping[name] for name in AuditEntry.__dataclass_fields__})
        for row in connection.execute(statement)
    ]
