"""Conversations recorded from the real bot, for the console's tests, browser test and benchmark.

`tests/fixtures/recorded_conversations.jsonl` holds, one conversation a line, the rows Rasa's
SQL tracker store wrote when the scripts of `tests/fixtures/conversation_scripts.yml` were
played against the running bot (`make record-conversations`, bot/ops/record_conversations.py).
This module reads that file and writes conversations back into an `events` table, under any
id and moved in time, exactly as stored (no Rasa needed: it runs in the console's virtualenv).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.conversations.events import events
from bot.settings import PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
RECORDED_FILE = FIXTURES / "recorded_conversations.jsonl"
SCRIPTS_FILE = FIXTURES / "conversation_scripts.yml"
HOUR = 3600.0
ROW_KEYS = ("type_name", "timestamp", "intent_name", "action_name", "data")


@dataclass(frozen=True)
class RecordedConversation:
    """One recorded conversation: the rows of `events` the bot stored, oldest first.

    Each row is a dict with the table's columns (`type_name`, `timestamp`, `intent_name`,
    `action_name`) and `data`, the stored event JSON, decoded.
    """

    name: str
    about: str
    age_hours: float
    rows: tuple[Mapping[str, Any], ...]

    @property
    def last_message_at(self) -> float:
        """When the person last wrote (the last event's time if they never did)."""
        times = [row["timestamp"] for row in self.rows if row["type_name"] == "user"]
        return max(times) if times else self.rows[-1]["timestamp"]

    def person_texts(self) -> list[str]:
        """What the person sent, in order (button payloads as the chat page sends them)."""
        return [row["data"].get("text") or "" for row in self.rows if row["type_name"] == "user"]

    def final_slots(self) -> dict[str, Any]:
        """Each slot's last stored value (a slot never set keeps its initial value from
        domain.yml and is absent here)."""
        slots: dict[str, Any] = {}
        for row in self.rows:
            if row["type_name"] == "slot":
                slots[row["data"]["name"]] = row["data"].get("value")
        return slots

    def event_types(self) -> set[str]:
        """Every event type stored in this conversation."""
        return {row["type_name"] for row in self.rows}

    def turn_starts(self) -> list[int]:
        """The index of each of the person's messages among the rows."""
        return [index for index, row in enumerate(self.rows) if row["type_name"] == "user"]

    def table_rows(
        self,
        sender_id: str,
        last_message_at: float,
        first: int = 0,
        stop: int | None = None,
    ) -> list[dict[str, Any]]:
        """Rows `first:stop` for `events`, under `sender_id`, moved so that the person's
        last message is at `last_message_at` (the gaps between events are kept)."""
        shift = last_message_at - self.last_message_at
        built = []
        for row in self.rows[first:stop]:
            data = dict(row["data"])
            if isinstance(data.get("timestamp"), (int, float)):
                data["timestamp"] = data["timestamp"] + shift
            built.append(
                {
                    "sender_id": sender_id,
                    "type_name": row["type_name"],
                    "timestamp": row["timestamp"] + shift,
                    "intent_name": row["intent_name"],
                    "action_name": row["action_name"],
                    "data": json.dumps(data),
                }
            )
        return built


def _conversation(line: str) -> RecordedConversation:
    value = json.loads(line)
    rows = tuple({key: row.get(key) for key in ROW_KEYS} for row in value["rows"])
    return RecordedConversation(value["name"], value["about"], float(value["age_hours"]), rows)


@lru_cache(maxsize=4)
def load_recorded(path: Path = RECORDED_FILE) -> dict[str, RecordedConversation]:
    """Every recorded conversation by name, in the file's order."""
    with path.open(encoding="utf-8") as lines:
        found = [_conversation(line) for line in lines if line.strip()]
    return {conversation.name: conversation for conversation in found}


def insert_rows(connection: Connection, rows: list[dict[str, Any]]) -> int:
    """Insert rows into `events` (created with Rasa's schema if missing)."""
    events.metadata.create_all(connection, tables=[events], checkfirst=True)
    if rows:
        connection.execute(sa.insert(events), rows)
    return len(rows)


def write_recorded(
    connection: Connection,
    conversation: RecordedConversation,
    sender_id: str | None = None,
    last_message_at: float | None = None,
    turns: int | None = None,
) -> int:
    """Store a recorded conversation (or its first `turns` messages with what followed
    them) under `sender_id` (default: its name), its last message `age_hours` ago unless
    `last_message_at` says when. Returns the number of rows written."""
    at = time.time() - conversation.age_hours * HOUR if last_message_at is None else last_message_at
    starts = conversation.turn_starts()
    stop = starts[turns] if turns is not None and turns < len(starts) else None
    rows = conversation.table_rows(sender_id or conversation.name, at, stop=stop)
    return insert_rows(connection, rows)


def write_rest(
    connection: Connection,
    conversation: RecordedConversation,
    sender_id: str,
    after_turns: int,
    last_message_at: float,
) -> int:
    """Append what the bot stored from the person's message number `after_turns` on, as
    Rasa appends a conversation's new events (see `write_recorded(..., turns=...)`)."""
    first = conversation.turn_starts()[after_turns]
    rows = conversation.table_rows(sender_id, last_message_at, first=first)
    return insert_rows(connection, rows)


def write_all(
    connection: Connection, now: float | None = None, names: Iterable[str] | None = None
) -> dict[str, str]:
    """Store every recorded conversation (or those named) under its name, `age_hours`
    before `now`; returns name -> conversation id."""
    now = time.time() if now is None else now
    recorded = load_recorded()
    chosen = list(recorded if names is None else names)
    for name in chosen:
        conversation = recorded[name]
        write_recorded(connection, conversation, name, now - conversation.age_hours * HOUR)
    return {name: name for name in chosen}
