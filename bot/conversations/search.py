"""Find conversations by what the person wrote (case-insensitive substring)."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.conversations.events import decode_data, events, table_exists

MAX_QUERY_CHARS = 200


def _like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` literally anywhere ('\\' escapes % and _)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _prefilter(connection: Connection, needle: str) -> sa.sql.ColumnElement:
    """A condition that keeps every row whose text may contain `needle`.

    PostgreSQL reads the `text` key of the JSON (three times faster than matching the whole
    row); elsewhere the whole stored JSON is matched, where Rasa escapes non-ASCII text as
    \\uXXXX, so both spellings are tried.
    """
    if connection.dialect.name == "postgresql":
        text = sa.cast(events.c.data, sa.JSON)["text"].as_string()
        return text.ilike(_like_pattern(needle), escape="\\")
    spellings = {needle, json.dumps(needle)[1:-1]}
    return sa.or_(*(events.c.data.ilike(_like_pattern(s), escape="\\") for s in spellings))


def senders_mentioning(connection: Connection, query: str) -> set[str]:
    """Conversations in which a message of the person contains `query`.

    The database narrows the rows (`_prefilter`); Python then checks the decoded text
    itself, so flag names and intents in the parse data never match.
    """
    printable = "".join(ch for ch in query if ch.isprintable())  # no NUL or control bytes
    needle = printable.strip()[:MAX_QUERY_CHARS].casefold()
    if not needle or not table_exists(connection):
        return set()
    rows = connection.execute(
        sa.select(events.c.sender_id, events.c.data).where(
            events.c.type_name == "user", _prefilter(connection, needle)
        )
    )
    found: set[str] = set()
    for sender_id, raw in rows:
        if sender_id in found:
            continue
        text = decode_data(raw).get("text")
        if isinstance(text, str) and needle in text.casefold():
            found.add(str(sender_id))
    return found
