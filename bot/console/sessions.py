"""Server-side login sessions: the cookie holds a random token, the table its hash.

Logging out, disabling an account or changing its password deletes the rows, so a copied
cookie stops working at once. Sessions end after an idle time and a maximum age.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.console.accounts import Account, get_account
from bot.console.db import utcnow
from bot.console.tables import sessions

TOUCH_EVERY = dt.timedelta(seconds=30)
FORGET_AFTER = dt.timedelta(days=1)  # older rows are deleted when someone logs in


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def open_session(connection: Connection, account_id: int) -> str:
    """Start a session for the account; return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    connection.execute(sa.delete(sessions).where(sessions.c.last_seen_at < now - FORGET_AFTER))
    connection.execute(
        sa.insert(sessions).values(
            token_hash=_hash(token), user_id=account_id, created_at=now, last_seen_at=now
        )
    )
    return token


def resume_session(
    connection: Connection, token: str, idle: dt.timedelta, max_age: dt.timedelta
) -> Account | None:
    """The active account of a live session, or None (an expired session is deleted)."""
    row = connection.execute(
        sa.select(sessions).where(sessions.c.token_hash == _hash(token))
    ).first()
    if row is None:
        return None
    now = utcnow()
    if now - row.last_seen_at > idle or now - row.created_at > max_age:
        close_session(connection, token)
        return None
    account = get_account(connection, row.user_id)
    if account is None or not account.active:
        close_session(connection, token)
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        connection.execute(
            sa.update(sessions)
            .where(sessions.c.token_hash == row.token_hash)
            .values(last_seen_at=now)
        )
    return account


def close_session(connection: Connection, token: str) -> None:
    """End a session (logout)."""
    connection.execute(sa.delete(sessions).where(sessions.c.token_hash == _hash(token)))
