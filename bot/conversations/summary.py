"""A conversation condensed for the queue: latest slot values and when it happened."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.contract import RISK_LEVELS, STAGES, RiskLevel, Stage
from bot.conversations.events import StoredEvent

RISK_RANK: dict[str, int] = {level: rank for rank, level in enumerate(RISK_LEVELS)}


@dataclass(frozen=True)
class ConversationSummary:
    """What the queue shows of one conversation (labels and times, never its text)."""

    sender_id: str
    started_at: float
    last_message_at: float
    last_event_id: int
    person_messages: int
    risk_level: str = RiskLevel.NONE.value
    risk_reasons: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    stage: str = Stage.NONE.value
    country: str | None = None
    home_country: str | None = None
    urgent: bool = False
    about_other: bool = False

    @property
    def risk_rank(self) -> int:
        """0 for `none` up to 4 for `critical`."""
        return RISK_RANK[self.risk_level]


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


def _code(value: Any) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= 8 else None


def summarise(sender_id: str, stored: Sequence[StoredEvent]) -> ConversationSummary | None:
    """Summarise a conversation from its events (oldest first); None when it has none.

    The slots are the contract's truth: the latest value of each slot wins. The person's
    last message dates the conversation (bot housekeeping does not make it recent).
    """
    if not stored:
        return None
    slots: dict[str, Any] = {}
    person_times = [event.timestamp for event in stored if event.type_name == "user"]
    for event in stored:
        if event.type_name == "slot" and isinstance(event.data.get("name"), str):
            slots[event.data["name"]] = event.data.get("value")
    level = slots.get("risk_level")
    stage = slots.get("stage")
    return ConversationSummary(
        sender_id=sender_id,
        started_at=min(event.timestamp for event in stored),
        last_message_at=max(person_times) if person_times else stored[-1].timestamp,
        last_event_id=max(event.id for event in stored),
        person_messages=len(person_times),
        risk_level=level if level in RISK_RANK else RiskLevel.NONE.value,
        risk_reasons=_strings(slots.get("risk_reasons")),
        red_flags=_strings(slots.get("red_flags")),
        stage=stage if stage in STAGES else Stage.NONE.value,
        country=_code(slots.get("country")),
        home_country=_code(slots.get("home_country")),
        urgent=slots.get("urgent") is True,
        about_other=slots.get("about_other") is True,
    )
