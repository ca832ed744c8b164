"""Which of the domain's responses answer a screened message, in which order.

Only response names are chosen here; their words live in `domain.yml`.
"""

from __future__ import annotations

from bot.screening.labels import MessageLabels
from bot.screening.state import ConversationState, new_flags

# Intents whose answer is decided here rather than by a fixed rule.
SCREENING_INTENTS = frozenset({"describe_offer", "describe_situation", "describe_exit"})
FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"


def choose_replies(
    intent: str | None,
    labels: MessageLabels,
    before: ConversationState,
    after: ConversationState,
) -> list[str]:
    """The responses for one message: urgent safety first, then the new warning signs.

    Dialogue intents (greet, stop, ...) get their fixed answer from a rule after this, so
    for them only the safety message and new warning signs are chosen here.
    """
    replies: list[str] = []
    if labels.urgent:
        replies.append("screen_urgent_safety")
    added = new_flags(before, after)
    if added:
        replies.append("screen_flags_intro")
        replies.extend(f"screen_flag_{flag}" for flag in added)
        if "forced_scamming" in added:
            replies.append("screen_victim_not_criminal")
        replies.append("screen_flags_outro")
    elif not labels.urgent:
        if intent in SCREENING_INTENTS:
            replies.append("screen_no_new_flags")
        elif intent == OUT_OF_SCOPE_INTENT:
            replies.append("screen_out_of_scope")
        elif intent == FALLBACK_INTENT:
            replies.append("screen_please_rephrase")
    return replies
