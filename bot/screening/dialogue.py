"""What Lantern says after a message: the protection-first order of one turn.

1. Urgent danger: the emergency answer first, before any question (self-harm: crisis answer).
2. Someone at the workplace or held, writing about themselves: ask first whether it is safe to
   talk, and respect the answer ("not safe": one short line with a number, then nothing more).
3. The warning signs the conversation newly shows, and why each matters.
4. The guidance of the conversation's stage (or for someone writing about another person), once.
5. One follow-up question about what is not yet known, never asked twice, always skippable.

Only response names and the values they need are chosen here; the words are in responses/.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bot.contract import Stage
from bot.referrals import Directory
from bot.screening.labels import MessageLabels, apply_message_rules
from bot.screening.questions import (
    ABOUT_OTHER,
    QUESTIONS_BY_ID,
    Question,
    flag_from_answer,
    next_question,
)
from bot.screening.quick_exit import quick_exit
from bot.screening.referral_choice import (
    EMERGENCY,
    SELF_HARM,
    TRAFFICKING,
    ReferralChoice,
    choose_referrals,
)
from bot.screening.self_harm import mentions_self_harm
from bot.screening.state import ConversationState, update_state

# Intents whose answer is decided here (the others get a fixed answer from a rule).
SCREENING_INTENTS = frozenset(
    {
        "describe_offer",
        "describe_situation",
        "describe_exit",
        "ask_help",
        "inform_place",
        "nlu_fallback",
    }
)
PLACE_INTENT = "inform_place"
ANSWER_INTENTS = frozenset({"affirm", "deny", "skip", "safe_to_talk", "not_safe_to_talk"})
YES_INTENTS = frozenset({"affirm", "safe_to_talk"})
NO_INTENTS = frozenset({"deny", "not_safe_to_talk"})
NOT_SAFE_INTENT = "not_safe_to_talk"
STOP_INTENTS = frozenset({"stop", "erase_conversation"})
# Intents a rule answers with a fixed response after the action (domain.yml, data/rules.yml).
RULE_ANSWERED_INTENTS = frozenset(
    {"greet", "thank", "goodbye", "bot_challenge", "check_offer", "worried_about_someone"}
)
OUT_OF_SCOPE_INTENT = "out_of_scope"
FALLBACK_INTENT = "nlu_fallback"

SAFETY_ASKED, SAFE, NOT_SAFE = "asked", "safe", "unsafe"
EMERGENCY_GIVEN = "emergency"  # kept in `guided` once the full emergency answer was given
# The slots DialogueState is kept in (domain.yml), beside the contract's slots.
DIALOGUE_SLOT_NAMES = (
    "safety_check",
    "pending_question",
    "asked_questions",
    "guidance_given",
    "explained_flags",
    "quiet_turns",
)


@dataclass(frozen=True)
class DialogueState:
    """The bot's own bookkeeping of a conversation (kept in non-contract slots)."""

    safety: str | None = None  # None, "asked", "safe" or "unsafe"
    pending_question: str | None = None
    asked: tuple[str, ...] = ()
    guided: tuple[str, ...] = ()  # topics whose guidance was given
    explained: tuple[str, ...] = ()  # flags whose meaning was explained
    quiet_turns: int = 0  # screening turns in a row with nothing new to say

    def as_slots(self) -> dict[str, Any]:
        """The state as slot values."""
        return {
            "safety_check": self.safety,
            "pending_question": self.pending_question,
            "asked_questions": list(self.asked),
            "guidance_given": list(self.guided),
            "explained_flags": list(self.explained),
            "quiet_turns": float(self.quiet_turns),
        }

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> DialogueState:
        """Rebuild from stored slots, ignoring what is malformed."""

        def strings(name: str) -> tuple[str, ...]:
            value = slots.get(name)
            return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

        safety = slots.get("safety_check")
        pending = slots.get("pending_question")
        quiet = slots.get("quiet_turns")
        return cls(
            safety=safety if safety in (SAFETY_ASKED, SAFE, NOT_SAFE) else None,
            pending_question=pending if pending in QUESTIONS_BY_ID else None,
            asked=strings("asked_questions"),
            guided=strings("guidance_given"),
            explained=strings("explained_flags"),
            quiet_turns=int(quiet) if isinstance(quiet, (int, float)) and quiet >= 0 else 0,
        )


@dataclass(frozen=True)
class Reply:
    """One response to send: its name, values for its placeholders, and numbers to list."""

    response: str
    values: Mapping[str, str] = field(default_factory=dict)
    referrals: ReferralChoice | None = None
    items: tuple[str, ...] = ()  # responses listed under this one, one line each


@dataclass(frozen=True)
class TurnPlan:
    """Everything a turn changes: the message's labels as used, both states, the replies."""

    labels: MessageLabels
    conversation: ConversationState
    dialogue: DialogueState
    replies: tuple[Reply, ...]

    @property
    def response_names(self) -> list[str]:
        """The names of the replies, in order (handy in tests and logs)."""
        return [name for reply in self.replies for name in (reply.response, *reply.items)]


def plan_turn(
    intent: str | None,
    text: str,
    labels: MessageLabels,
    conversation: ConversationState,
    dialogue: DialogueState,
    directory: Directory,
) -> TurnPlan:
    """Decide the replies to one message and how the conversation's state changes.

    `labels` are the model's (`MessageLabels.from_parse`); the per-message rules of
    `bot.screening.labels.apply_message_rules` are applied here, the same as `make screen`.
    """
    labels = apply_message_rules(labels, text, intent, conversation)
    exit_asked = quick_exit(text)
    if intent in STOP_INTENTS or exit_asked is not None:
        # Quick exit: nothing more from here; the rule says a neutral goodbye.
        after = update_state(conversation, labels)
        return TurnPlan(labels, after, replace(dialogue, pending_question=None), ())

    self_harm = mentions_self_harm(text)
    answered_flag = _flag_from_pending_answer(intent, dialogue)
    labels = _with_answer(labels, answered_flag)
    after = update_state(conversation, labels)
    turn = _Turn(intent, labels, after, dialogue, directory)

    if labels.urgent:
        turn.emergency(self_harm, again=EMERGENCY_GIVEN in dialogue.guided)
        return turn.plan(pending_question=None)

    unasked_not_safe = intent == NOT_SAFE_INTENT and dialogue.pending_question is None
    if (dialogue.safety == SAFETY_ASKED and intent in NO_INTENTS) or unasked_not_safe:
        # "No, not now"; or, unasked, "is this safe? they check our phones here": one short
        # line, with a number when there is one (no question about the place now)
        numbers = turn.referrals(TRAFFICKING)
        if numbers.entries:
            turn.add("screen_not_safe_now", referrals=numbers)
        else:
            turn.add("screen_not_safe_now_no_number")
        return turn.plan(safety=NOT_SAFE, pending_question=None)
    if dialogue.safety == SAFETY_ASKED:
        turn.safety = SAFE
    elif dialogue.safety == NOT_SAFE:
        turn.safety = None  # they came back: ask again before anything else

    if _must_check_safety(after, turn.safety, intent):
        turn.add("screen_safety_question")
        return turn.plan(safety=SAFETY_ASKED, pending_question=None)

    in_context = _topic(conversation) is not None or dialogue.pending_question is not None
    screening = (
        intent in SCREENING_INTENTS
        or intent in ANSWER_INTENTS
        or intent is None
        or (intent == OUT_OF_SCOPE_INTENT and in_context)
    )
    turn.explain_new_flags(guidance_due=screening)
    if screening:
        turn.guidance()
        turn.numbers_for_a_new_place(conversation)
        turn.follow_up_question()
    if not turn.replies and intent not in RULE_ANSWERED_INTENTS:
        turn.nothing_new(
            answered=answered_flag is not None or _is_answer(intent, dialogue),
            in_context=in_context,
        )
    if not turn.replies and intent not in RULE_ANSWERED_INTENTS:
        turn.add("screen_invite_story")  # never silence: any other message is invited in
    return turn.plan()


class _Turn:
    """Collects the replies of one turn and the dialogue state they leave behind."""

    def __init__(
        self,
        intent: str | None,
        labels: MessageLabels,
        after: ConversationState,
        dialogue: DialogueState,
        directory: Directory,
    ) -> None:
        self.intent = intent
        self.labels = labels
        self.after = after
        self.dialogue = dialogue
        self.directory = directory
        self.safety = dialogue.safety
        # A question stays open until answered (yes / no / skip) or a new one is asked.
        self.pending: str | None = (
            None if _is_answer(intent, dialogue) else dialogue.pending_question
        )
        self.asked = dialogue.asked
        self.guided = dialogue.guided
        self.explained = dialogue.explained
        self.replies: list[Reply] = []
        self.said_victim_line = False

    def add(self, response: str, referrals: ReferralChoice | None = None, **values: str) -> None:
        self.replies.append(Reply(response, values, referrals))

    def referrals(self, purpose: str) -> ReferralChoice:
        return choose_referrals(self.directory, purpose, self.after)

    def emergency(self, self_harm: bool, again: bool) -> None:
        """The emergency answer, a grounding line, and a question about the place if unknown.

        Said again in full it would bury the numbers: a second urgent message gets the short
        form (the numbers and "close this chat"), without the grounding line.
        """
        if again and not self_harm:
            self.add("screen_emergency_again", referrals=self.referrals(EMERGENCY))
            return
        self.guided = tuple(dict.fromkeys((*self.guided, EMERGENCY_GIVEN)))
        if self_harm:
            crisis = self.referrals(SELF_HARM)
            has_crisis_line = any("self_harm" in e.needs for e in crisis.entries)
            self.add(
                "screen_self_harm" if has_crisis_line else "screen_self_harm_no_crisis_line",
                referrals=crisis,
            )
        else:
            self.add("screen_emergency", referrals=self.referrals(EMERGENCY))
        self.add("screen_grounding")
        if self.after.country is None:
            self.add("screen_ask_country_for_numbers")

    def explain_new_flags(self, guidance_due: bool) -> None:
        """One message listing the new warning signs, each with why it matters."""
        new = [flag for flag in self.after.red_flags if flag not in self.explained]
        if not new:
            return
        intro = "screen_flags_intro_more" if self.explained else "screen_flags_intro"
        self.replies.append(Reply(intro, items=tuple(f"screen_flag_{flag}" for flag in new)))
        self.explained = self.explained + tuple(new)
        # The in-situ and exit guidance say it already; say it here only when they will not.
        says_victim = {Stage.IN_SITU.value, Stage.EXITED.value}
        topic = _topic(self.after)
        guidance_says_it = topic in says_victim and (guidance_due or topic in self.guided)
        if "forced_scamming" in new and not guidance_says_it:
            self.add("screen_victim_not_criminal")

    def guidance(self) -> None:
        topic = _topic(self.after)
        if topic is None or topic in self.guided:
            return
        self.add(f"guide_{topic}", referrals=self.referrals(topic))
        if topic == Stage.PROSPECTIVE.value:
            self.add("check_employer", variant=self.after.home_country or "")
        self.guided = self.guided + (topic,)

    def numbers_for_a_new_place(self, before: ConversationState) -> None:
        """Guidance given earlier had no place, or another one: the numbers for the new one."""
        topic = _topic(self.after)
        if topic is None or topic not in self.dialogue.guided:
            return
        moved = (self.after.country, self.after.home_country) != (
            before.country,
            before.home_country,
        )
        if not moved:
            return
        old = set(choose_referrals(self.directory, topic, before).entries)
        choice = self.referrals(topic)
        fresh = tuple(entry for entry in choice.entries if entry not in old)
        if fresh:
            self.add("screen_numbers_for_place", referrals=replace(choice, entries=fresh))

    def follow_up_question(self) -> None:
        topic = _topic(self.after)
        if topic is None:
            return
        question = next_question(
            topic,
            self.after.red_flags,
            self.after.country,
            self.asked,
            home_country=self.after.home_country,
        )
        if question is None:
            return
        self.add(question.response)
        self.pending = question.id
        self.asked = self.asked + (question.id,)

    def nothing_new(self, answered: bool, in_context: bool) -> None:
        intent = self.intent
        if intent == OUT_OF_SCOPE_INTENT and not in_context:
            self.add("screen_out_of_scope")
        elif intent == FALLBACK_INTENT:
            self.add("screen_please_rephrase")
        elif answered:
            self.add("screen_thanks_for_answer")
        elif intent == "affirm":
            self.add("screen_affirm")
        elif intent in ("deny", "skip"):
            self.add("screen_deny")
        elif intent == "ask_help":
            self.add("screen_invite_story")
        elif intent in SCREENING_INTENTS or intent is None or in_context:
            if self.dialogue.quiet_turns == 0:
                self.add("screen_no_new_flags")
            else:
                self.add("screen_still_listening", referrals=self.referrals(TRAFFICKING))

    def plan(self, **changes: Any) -> TurnPlan:
        said_something_new = any(
            r.response.startswith(("screen_flag", "guide_", "ask_", "screen_emergency"))
            or r.response == "screen_numbers_for_place"
            for r in self.replies
        )
        quiet = 0 if said_something_new else self.dialogue.quiet_turns + 1
        dialogue = DialogueState(
            safety=self.safety,
            pending_question=self.pending,
            asked=self.asked,
            guided=self.guided,
            explained=self.explained,
            quiet_turns=min(quiet, 99),
        )
        return TurnPlan(self.labels, self.after, replace(dialogue, **changes), tuple(self.replies))


def _topic(state: ConversationState) -> str | None:
    """The guidance topic: someone else's situation, or the person's own stage."""
    if state.about_other:
        return ABOUT_OTHER
    return None if state.stage == Stage.NONE.value else state.stage


def _must_check_safety(after: ConversationState, safety: str | None, intent: str | None) -> bool:
    """At the workplace or held, writing about themselves, and not yet asked."""
    return (
        after.stage == Stage.IN_SITU.value
        and not after.about_other
        and safety is None
        and intent not in RULE_ANSWERED_INTENTS
    )


def _is_answer(intent: str | None, dialogue: DialogueState) -> bool:
    """True when the message answers the open question (yes / no / skip, or a place)."""
    if dialogue.pending_question is None:
        return False
    if intent == PLACE_INTENT:
        question = QUESTIONS_BY_ID[dialogue.pending_question]
        return question.needs_place or question.needs_home
    return intent in ANSWER_INTENTS


def _flag_from_pending_answer(intent: str | None, dialogue: DialogueState) -> str | None:
    """The flag a yes/no answer to the pending question reveals."""
    if dialogue.pending_question is None or dialogue.safety == SAFETY_ASKED:
        return None
    question: Question = QUESTIONS_BY_ID[dialogue.pending_question]
    if intent in YES_INTENTS:
        return flag_from_answer(question, "yes")
    if intent in NO_INTENTS:
        return flag_from_answer(question, "no")
    return None


def _with_answer(labels: MessageLabels, answered_flag: str | None) -> MessageLabels:
    """A yes/no answer to a follow-up question gives the flag it asked about."""
    if answered_flag is None or answered_flag in labels.flags:
        return labels
    return replace(labels, flags=(*labels.flags, answered_flag))
