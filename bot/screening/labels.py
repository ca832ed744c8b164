"""The labels the NLU gives one message, in contract terms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.contract import FLAG_IDS, STAGES, Stage


@dataclass(frozen=True)
class MessageLabels:
    """What one user message carries: flags, urgency, stage, subject and places."""

    flags: tuple[str, ...] = ()
    urgent: bool = False
    stage: str = Stage.NONE.value
    about_other: bool = False
    country: str | None = None
    home_country: str | None = None
    high_risk_place: bool = False  # the place finder saw a scam-compound area (not home)
    flag_scores: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = [flag for flag in self.flags if flag not in FLAG_IDS]
        if unknown:
            raise ValueError(f"unknown red-flag ids: {unknown}")
        if self.stage not in STAGES:
            raise ValueError(f"unknown stage: {self.stage!r}")

    @classmethod
    def from_parse(cls, parse: Mapping[str, Any]) -> MessageLabels:
        """Read the labels from a parse result (`/model/parse` or a tracker's message).

        Missing or malformed keys fall back to "nothing detected", so a message parsed
        by an older model never breaks the conversation.
        """
        flags = tuple(
            entry["name"] if isinstance(entry, Mapping) else entry
            for entry in parse.get("red_flags") or []
            if (entry.get("name") if isinstance(entry, Mapping) else entry) in FLAG_IDS
        )
        stage = parse.get("stage")
        if not isinstance(stage, str) or stage not in STAGES:
            stage = Stage.NONE.value
        scores = {
            entry["name"]: float(entry.get("score", 0.0))
            for entry in parse.get("red_flags") or []
            if isinstance(entry, Mapping) and entry.get("name") in FLAG_IDS
        }
        return cls(
            flags=tuple(dict.fromkeys(flags)),
            urgent=parse.get("urgent") is True,
            stage=stage,
            about_other=parse.get("about_other") is True,
            country=_code_or_none(parse.get("country")),
            home_country=_code_or_none(parse.get("home_country")),
            high_risk_place=parse.get("high_risk_place") is True,
            flag_scores=scores,
        )


def _code_or_none(value: Any) -> str | None:
    """Return an ISO alpha-2 code as given, or None for anything else."""
    if isinstance(value, str) and len(value) == 2 and value.isalpha() and value.isupper():
        return value
    return None
