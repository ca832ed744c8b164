"""Conversations written exactly as Rasa's SQL tracker store writes them, without Rasa.

For tests and the queue benchmark: each turn becomes the rows Rasa 3.6 stores (user message
with its parse data, featurization, `action_screen_message`, the bot's messages, the slots
that changed, `action_listen`), the slots computed by the same rules as the action
(`bot.screening.state`). A test compares these rows with those a real bot wrote.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.contract import FLAG_IDS, SLOT_NAMES, STAGES
from bot.conversations.events import events
from bot.screening.labels import MessageLabels
from bot.screening.state import ConversationState, update_state

MODEL_ID = "synthetic00000000000000000000000"
ASSISTANT_ID = "lantern"
SCREEN_ACTION = "action_screen_message"
# Initial values from domain.yml; the other slots start empty (None).
INITIAL_SLOTS = {"risk_level": "none", "stage": "none", "urgent": False, "about_other": False}
BOT_DATA = {
    "elements": None,
    "quick_replies": None,
    "buttons": None,
    "attachment": None,
    "image": None,
    "custom": None,
}


@dataclass(frozen=True)
class Turn:
    """One message of the person, what screening found in it, and the bot's answers."""

    text: str
    intent: str = "describe_situation"
    flags: Sequence[str] = ()
    urgent: bool = False
    stage: str = "none"
    about_other: bool = False
    country: str | None = None
    home_country: str | None = None
    language: str | None = None
    replies: Sequence[str] = ("Thank you for telling me.",)
    scores: dict[str, float] = field(default_factory=dict)
    # A response a rule says after the screening action (then `replies` come from it).
    utter_action: str | None = None
    # Slots of the dialogue's own state (not the contract's) the action sets after the
    # contract's slots, as (name, value) pairs in order.
    dialogue_slots: Sequence[tuple[str, Any]] = ()

    def parse_data(self, message_id: str) -> dict[str, Any]:
        """The parse data Lantern's NLU pipeline attaches to the message."""
        return {
            "intent": {"name": self.intent, "confidence": 0.99},
            "entities": [],
            "text": self.text,
            "message_id": message_id,
            "metadata": {},
            "intent_ranking": [{"name": self.intent, "confidence": 0.99}],
            "red_flags": [{"name": f, "score": self.scores.get(f, 0.95)} for f in self.flags],
            "flag_scores": {f: (0.95 if f in self.flags else 0.01) for f in FLAG_IDS},
            "urgent": self.urgent,
            "urgent_score": 0.9 if self.urgent else 0.01,
            "stage": self.stage,
            "stage_scores": {s: (0.9 if s == self.stage else 0.03) for s in STAGES},
            "about_other": self.about_other,
            "about_other_score": 0.9 if self.about_other else 0.01,
            "country": self.country,
            "home_country": self.home_country,
            "high_risk_place": False,
            "writer_country": None,
            "others_country": None,
            "language": self.language,
        }

    def labels(self) -> MessageLabels:
        """The turn's labels as the action reads them."""
        return MessageLabels.from_parse(self.parse_data(""))


class _Clock:
    def __init__(self, start: float) -> None:
        self.now = start

    def tick(self, seconds: float = 0.001) -> float:
        self.now += seconds
        return self.now


def _event(kind: str, at: float, **data: Any) -> dict[str, Any]:
    return {
        "event": kind,
        "timestamp": at,
        "metadata": {"model_id": MODEL_ID, "assistant_id": ASSISTANT_ID},
        **data,
    }


def _action(name: str, at: float, policy: str | None = "RulePolicy") -> dict[str, Any]:
    return _event(
        "action",
        at,
        name=name,
        policy=policy,
        confidence=1.0 if policy else None,
        action_text=None,
        hide_rule_turn=bool(policy),
    )


def conversation_events(
    turns: Iterable[Turn], start: float, seconds_between_turns: float = 20.0
) -> list[dict[str, Any]]:
    """The events (as Rasa's `event.as_dict()`) of a new conversation with these turns."""
    clock = _Clock(start)
    stored = [
        _action("action_session_start", clock.now, policy=None),
        _event("session_started", clock.tick()),
        _action("action_listen", clock.tick(), policy=None),
    ]
    state = ConversationState()
    slots: dict[str, Any] = {**{name: None for name in SLOT_NAMES}, **INITIAL_SLOTS}
    for turn in turns:
        message_id = uuid.uuid4().hex
        stored.append(
            _event(
                "user",
                clock.tick(seconds_between_turns),
                text=turn.text,
                parse_data=turn.parse_data(message_id),
                input_channel="rest",
                message_id=message_id,
            )
        )
        stored.append(_event("user_featurization", clock.tick(), use_text_for_featurization=False))
        stored.append(_action(SCREEN_ACTION, clock.tick()))
        if turn.utter_action is None:
            for reply in turn.replies:
                stored.append(_event("bot", clock.tick(), text=reply, data=dict(BOT_DATA)))
        state = update_state(state, turn.labels())
        for name, value in state.as_slots().items():
            if slots[name] != value:
                stored.append(_event("slot", clock.tick(), name=name, value=value))
                slots[name] = value
        for name, value in turn.dialogue_slots:
            stored.append(_event("slot", clock.tick(), name=name, value=value))
        if turn.utter_action is not None:
            stored.append(_action(turn.utter_action, clock.tick()))
            for reply in turn.replies:
                bot = _event("bot", clock.tick(), text=reply, data=dict(BOT_DATA))
                bot["metadata"] = {"utter_action": turn.utter_action, **bot["metadata"]}
                stored.append(bot)
        stored.append(_action("action_listen", clock.tick()))
    return stored


def as_rows(sender_id: str, stored: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of the `events` table, as SQLTrackerStore.save builds them."""
    rows = []
    for data in stored:
        parse = data.get("parse_data") or {}
        rows.append(
            {
                "sender_id": sender_id,
                "type_name": data["event"],
                "timestamp": data["timestamp"],
                "intent_name": (parse.get("intent") or {}).get("name"),
                "action_name": data.get("name"),
                "data": json.dumps(data),
            }
        )
    return rows


def write_conversation(
    connection: Connection, sender_id: str, turns: Iterable[Turn], start: float
) -> int:
    """Store a conversation in `events` (created with Rasa's schema if missing)."""
    events.metadata.create_all(connection, tables=[events], checkfirst=True)
    rows = as_rows(sender_id, conversation_events(turns, start))
    connection.execute(sa.insert(events), rows)
    return len(rows)
