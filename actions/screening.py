"""Custom actions: a thin translation between Rasa's tracker and `bot.screening`.

`action_screen_message` runs after every user message: it updates the contract's slots and
says what `bot.screening.dialogue` decided. `action_erase_conversation` says goodbye; the
tracker store then erases the conversation (`bot.conversations.tracker_store`).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety_net import SafeAction
from bot.contract import SLOT_NAMES
from bot.referrals import default_directory
from bot.screening.dialogue import DIALOGUE_SLOT_NAMES, DialogueState, plan_turn
from bot.screening.labels import MessageLabels
from bot.screening.messages import screening_messages
from bot.screening.render import Phone, render
from bot.screening.state import ConversationState


class ActionScreenMessage(SafeAction):
    """Screens the latest user message and answers, protection first."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_screen_message"

    def respond(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Plan the turn, send its replies, and set the slots that changed."""
        parse = tracker.latest_message or {}
        slots = {name: tracker.get_slot(name) for name in (*SLOT_NAMES, *DIALOGUE_SLOT_NAMES)}
        plan = plan_turn(
            intent=(parse.get("intent") or {}).get("name"),
            text=parse.get("text") or "",
            labels=MessageLabels.from_parse(parse),
            conversation=ConversationState.from_slots(slots),
            dialogue=DialogueState.from_slots(slots),
            directory=default_directory(),
        )
        messages = screening_messages()
        for reply in plan.replies:
            rendered = render(reply, messages)
            dispatcher.utter_message(
                text=rendered.text,
                buttons=list(rendered.buttons),
                json_message=phones_marker(rendered.phones) if rendered.phones else None,
            )
        values = {**plan.conversation.as_slots(), **plan.dialogue.as_slots()}
        return [SlotSet(name, value) for name, value in values.items() if slots[name] != value]


def phones_marker(phones: tuple[Phone, ...]) -> dict[str, Any]:
    """The numbers of a message as data, sent with it: the chat page makes exactly these
    callable (Rasa's socket.io channel emits `data` as a bot_uttered event right after the
    text; REST returns it as {"custom": {"data": ...}})."""
    return {"data": {"lantern_event": "phones", "phones": [phone.as_data() for phone in phones]}}


# Sent with the goodbye so the chat page can clear itself when "delete" was typed, not only
# when its button was clicked. Over socket.io, Rasa emits `data` as its own bot_uttered event;
# over REST it arrives as {"custom": {"data": ...}}.
ERASED_MARKER = {"data": {"lantern_event": "conversation_erased"}}


class ActionEraseConversation(SafeAction):
    """Confirms the erasure the person asked for (the tracker store deletes the events)."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_erase_conversation"

    def respond(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Say goodbye; nothing is set, since nothing of the conversation is kept."""
        dispatcher.utter_message(
            text=screening_messages().text("screen_erased"), json_message=ERASED_MARKER
        )
        return []
