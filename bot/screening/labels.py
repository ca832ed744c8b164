"""The labels of one message, in contract terms, and the one function that decides them.

`label_message` is the only place where a parse result becomes the labels the bot acts on:
the live bot's action, `make screen` and `make eval` all call it, so what they report is what
the bot does. Every per-message rule lives there; rules that need the conversation so far
(a follow-up question's answer) stay in the dialogue, and how labels add up across a
conversation is `bot.screening.state`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from bot.contract import FLAG_IDS, STAGES, Stage
from bot.screening.quick_exit import quick_exit
from bot.screening.self_harm import mentions_self_harm

if TYPE_CHECKING:
    from bot.screening.state import ConversationState

# The "someone I know" button: the message is about someone else.
OTHER_PERSON_INTENT = "worried_about_someone"
HIGH_RISK_DESTINATION = "high_risk_destination"


@dataclass(frozen=True)
class MessageLabels:
    """What one user message carries: flags, urgency, stage, subject, places, language."""

    flags: tuple[str, ...] = ()
    urgent: bool = False
    stage: str = Stage.NONE.value
    about_other: bool = False
    country: str | None = None
    home_country: str | None = None
    high_risk_place: bool = False  # the place finder saw a scam-compound area (not home)
    flag_scores: Mapping[str, float] = field(default_factory=dict)
    # Where the writer says they are themselves ("I'm in Davao", "we live in Hanoi"), and
    # where-now of the other places named (None when the writer names no place of their own).
    writer_country: str | None = None
    others_country: str | None = None
    language: str | None = None  # ISO 639-1; None when the message is too short to tell

    def __post_init__(self) -> None:
        unknown = [flag for flag in self.flags if flag not in FLAG_IDS]
        if unknown:
            raise ValueError(f"unknown red-flag ids: {unknown}")
        if self.stage not in STAGES:
            raise ValueError(f"unknown stage: {self.stage!r}")

    @classmethod
    def from_parse(cls, parse: Mapping[str, Any]) -> MessageLabels:
        """Read the model's labels from a parse result (`/model/parse` or a tracker's message).

        Missing or malformed keys fall back to "nothing detected", so a message parsed
        by an older model never breaks the conversation. No rule is applied here: see
        `label_message`.
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
            country=_country_or_none(parse.get("country")),
            home_country=_country_or_none(parse.get("home_country")),
            high_risk_place=parse.get("high_risk_place") is True,
            flag_scores=scores,
            writer_country=_country_or_none(parse.get("writer_country")),
            others_country=_country_or_none(parse.get("others_country")),
            language=_chosen_language(parse) or _language_or_none(parse.get("language")),
        )


def label_message(
    parse: Mapping[str, Any], conversation: ConversationState | None = None
) -> MessageLabels:
    """The labels the bot acts on for one parsed message (`make screen`, `make eval`).

    `conversation` is the state before the message; None (a first message, as `make screen`
    and `make eval` see every message) means nothing was said before.
    """
    text = parse.get("text")
    intent = parse.get("intent")
    return apply_message_rules(
        MessageLabels.from_parse(parse),
        text if isinstance(text, str) else "",
        intent.get("name") if isinstance(intent, Mapping) else None,
        conversation,
    )


def apply_message_rules(
    labels: MessageLabels,
    text: str,
    intent: str | None,
    conversation: ConversationState | None = None,
) -> MessageLabels:
    """Every rule the bot applies to one message's labels; the live bot's dialogue
    (`bot.screening.dialogue.plan_turn`) and `label_message` both go through here.

    - a quick-exit message ("stop", "delete") is a command, not a description: it carries
      no label at all;
    - self-harm phrases make the message urgent (they widen the model, never narrow it);
    - the "someone I know" button is a message about someone else;
    - a scam-compound area named in a message about a job, a workplace, an exit or someone
      else (this message's or the conversation's so far) is a `high_risk_destination`, even
      in a one-word answer ("Sihanoukville").
    """
    if quick_exit(text) is not None:
        return MessageLabels()
    about_other = labels.about_other or intent == OTHER_PERSON_INTENT
    in_context = labels.stage != Stage.NONE.value or about_other
    if conversation is not None:
        in_context = in_context or conversation.stage != Stage.NONE.value
        in_context = in_context or conversation.about_other
    flags = labels.flags
    if labels.high_risk_place and in_context and HIGH_RISK_DESTINATION not in flags:
        flags = (*flags, HIGH_RISK_DESTINATION)
    return replace(
        labels,
        flags=flags,
        urgent=labels.urgent or mentions_self_harm(text),
        about_other=about_other,
    )


def _country_or_none(value: Any) -> str | None:
    """Return an ISO 3166-1 alpha-2 code as given, or None for anything else."""
    if isinstance(value, str) and len(value) == 2 and value.isalpha() and value.isupper():
        return value
    return None


def _language_or_none(value: Any) -> str | None:
    """Return an ISO 639-1 code as given, or None for anything else."""
    if isinstance(value, str) and len(value) == 2 and value.isascii() and value.islower():
        return value
    return None


def _chosen_language(parse: Mapping[str, Any]) -> str | None:
    """A language the person picked (a button's `language` entity), if any."""
    for entity in parse.get("entities") or []:
        if isinstance(entity, Mapping) and entity.get("entity") == "language":
            return _language_or_none(entity.get("value"))
    return None
