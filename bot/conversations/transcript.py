"""One conversation as staff read it: both sides, each message's flags, slots and risk."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from bot.conversations.events import StoredEvent, conversation_events
from bot.screening.labels import MessageLabels

PERSON = "person"
BOT = "bot"


@dataclass(frozen=True)
class Message:
    """A message of the person or of the bot, with what screening found in it."""

    event_id: int
    role: str
    text: str
    timestamp: float
    intent: str | None = None
    labels: MessageLabels = field(default_factory=MessageLabels)


@dataclass(frozen=True)
class SlotChange:
    """A slot the bot set, and when."""

    event_id: int
    timestamp: float
    name: str
    value: Any

    @property
    def shown(self) -> str:
        """The value as staff read it (any value, of any slot, becomes text)."""
        return show_value(self.value)


def show_value(value: Any) -> str:
    """A slot's value as text: '-' for nothing, yes/no, numbers, lists joined by commas,
    anything else as JSON."""
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return ", ".join(show_value(item) for item in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@dataclass(frozen=True)
class RiskChange:
    """The conversation's risk level and its reasons after a message that changed them."""

    timestamp: float
    level: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Transcript:
    """Everything stored about one conversation, in order."""

    sender_id: str
    messages: tuple[Message, ...]
    slot_changes: tuple[SlotChange, ...]
    risk_history: tuple[RiskChange, ...]

    @property
    def started_at(self) -> float | None:
        """When the first message was sent."""
        return self.messages[0].timestamp if self.messages else None

    @property
    def last_message_at(self) -> float | None:
        """When the last message (either side) was sent."""
        return self.messages[-1].timestamp if self.messages else None


def build_transcript(sender_id: str, stored: Sequence[StoredEvent]) -> Transcript:
    """Turn a conversation's events (oldest first) into a transcript."""
    messages: list[Message] = []
    changes: list[SlotChange] = []
    history: list[RiskChange] = []
    level: str = "none"
    reasons: tuple[str, ...] = ()
    batch_time: float | None = None  # set while a run of slot events changed the risk

    def close_batch() -> None:
        nonlocal batch_time
        if batch_time is not None:
            history.append(RiskChange(batch_time, level, reasons))
            batch_time = None

    for event in stored:
        if event.type_name != "slot":
            close_batch()
        if event.type_name == "user":
            parse = event.data.get("parse_data")
            parse = parse if isinstance(parse, dict) else {}
            intent = parse.get("intent")
            messages.append(
                Message(
                    event_id=event.id,
                    role=PERSON,
                    text=event.text,
                    timestamp=event.timestamp,
                    intent=intent.get("name") if isinstance(intent, dict) else None,
                    labels=MessageLabels.from_parse(parse),
                )
            )
        elif event.type_name == "bot":
            messages.append(Message(event.id, BOT, event.text, event.timestamp))
        elif event.type_name == "slot":
            name = event.data.get("name")
            if not isinstance(name, str):
                continue
            value = event.data.get("value")
            changes.append(SlotChange(event.id, event.timestamp, name, value))
            if name == "risk_reasons":
                reasons = tuple(str(r) for r in value) if isinstance(value, list) else ()
                batch_time = event.timestamp
            elif name == "risk_level" and isinstance(value, str):
                level = value
                batch_time = event.timestamp
    close_batch()
    return Transcript(sender_id, tuple(messages), tuple(changes), tuple(history))


def load_transcript(connection: Connection, sender_id: str) -> Transcript | None:
    """The stored conversation, or None when nothing is stored under this id."""
    stored = conversation_events(connection, sender_id)
    if not stored:
        return None
    return build_transcript(sender_id, stored)
