"""A conversation's screening state and how each message updates it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.contract import STAGES, Stage
from bot.screening.labels import MessageLabels
from bot.screening.risk import risk_level, risk_reasons


@dataclass(frozen=True)
class ConversationState:
    """Everything screened so far in one conversation (the contract's slots)."""

    red_flags: tuple[str, ...] = ()
    stage: str = Stage.NONE.value
    urgent: bool = False
    about_other: bool = False
    country: str | None = None
    home_country: str | None = None
    language: str | None = None

    @property
    def risk_level(self) -> str:
        """The level by the contract's rules."""
        return risk_level(self.red_flags, self.stage, self.urgent).value

    @property
    def risk_reasons(self) -> list[str]:
        """The reasons behind the level, one per label or flag."""
        return risk_reasons(self.red_flags, self.stage, self.urgent)

    def as_slots(self) -> dict[str, Any]:
        """The state as the contract's slot values."""
        return {
            "red_flags": list(self.red_flags),
            "risk_level": self.risk_level,
            "risk_reasons": self.risk_reasons,
            "stage": self.stage,
            "urgent": self.urgent,
            "about_other": self.about_other,
            "country": self.country,
            "home_country": self.home_country,
            "language": self.language,
        }

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> ConversationState:
        """Rebuild the state from stored slot values, ignoring what is malformed."""
        flags = slots.get("red_flags")
        flags = flags if isinstance(flags, list) else []
        stage = slots.get("stage")
        language = slots.get("language")
        return cls(
            red_flags=tuple(dict.fromkeys(f for f in flags if isinstance(f, str))),
            stage=stage if stage in STAGES else Stage.NONE.value,
            urgent=slots.get("urgent") is True,
            about_other=slots.get("about_other") is True,
            country=slots.get("country") if isinstance(slots.get("country"), str) else None,
            home_country=(
                slots.get("home_country") if isinstance(slots.get("home_country"), str) else None
            ),
            language=language if isinstance(language, str) else None,
        )


def update_state(state: ConversationState, labels: MessageLabels) -> ConversationState:
    """Add one message's labels to the conversation, by the contract's rules.

    - Flags keep the order they were first seen, each once.
    - The stage is the latest one stated; a message with stage `none` keeps the old one, and
      a `prospective` message never takes the conversation out of `in_situ` or `exited`
      (someone held, or out, who tells how they were recruited is still held, or out).
    - `urgent` and `about_other` stay true once set.
    - A place named in the message replaces the old one, except in a conversation about
      someone else: there a place the writer gives as their own location ("I'm in Davao")
      leaves `country` where the person written about is, and fills `home_country` when it
      is still unknown.
    - The language is the latest message's that was long enough to tell (or the one chosen).
    """
    about_other = state.about_other or labels.about_other
    country = labels.country or state.country
    home_country = labels.home_country or state.home_country
    if about_other and labels.writer_country is not None:
        country = labels.others_country or state.country
        home_country = home_country or labels.writer_country
    return replace(
        state,
        red_flags=tuple(dict.fromkeys(state.red_flags + labels.flags)),
        stage=_next_stage(state.stage, labels.stage),
        urgent=state.urgent or labels.urgent,
        about_other=about_other,
        country=country,
        home_country=home_country,
        language=labels.language or state.language,
    )


def _next_stage(current: str, stated: str) -> str:
    """The conversation's stage after a message that states `stated`."""
    if stated == Stage.NONE.value:
        return current
    held_or_out = current in (Stage.IN_SITU.value, Stage.EXITED.value)
    if stated == Stage.PROSPECTIVE.value and held_or_out:
        return current
    return stated


def new_flags(before: ConversationState, after: ConversationState) -> tuple[str, ...]:
    """The flags the latest message added, in the order seen."""
    return tuple(flag for flag in after.red_flags if flag not in before.red_flags)
