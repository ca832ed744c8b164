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


def senders_mentioning(connection: Connection, query: str) -> set[str]:
    """Conversations in which a message of the person contains `query`.

    The database narrows the rows with LIKE on the stored JSON (Rasa escapes non-ASCII
    text there as \\uXXXX, so both spellings are tried); Python then checks the decoded
    text itself, so flag names and intents in the parse data never match.
    """
    printable = "".join(ch for ch in query if ch.isprintable())  # no NUL or control bytes
    needle = printable.strip()[:MAX_QUERY_CHARS].casefold()
    if not needle or not table_exists(connection):
        return set()
    spellings = {needle, json.dumps(needle)[1:-1]}
    prefilter = sa.or_(*(events.c.data.ilike(_like_pattern(s), escape="\\") for s in spellings))
    rows = connection.execute(
        sa.select(events.c.sender_id, events.c.data).where(
            events.c.type_name == "user", prefilter
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
