"""action_screen_message: after every user message, update the screening slots.

A thin translation between Rasa's tracker and `bot.screening`, which holds the rules.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.contract import SLOT_NAMES
from bot.screening.labels import MessageLabels
from bot.screening.messages import screening_messages
from bot.screening.replies import choose_replies
from bot.screening.state import ConversationState, update_state


class ActionScreenMessage(Action):
    """Screens the latest user message and answers with what it noticed."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_screen_message"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Update the slots from the message's labels and send the chosen responses."""
        parse = tracker.latest_message or {}
        labels = MessageLabels.from_parse(parse)
        before = ConversationState.from_slots({name: tracker.get_slot(name) for name in SLOT_NAMES})
        after = update_state(before, labels)
        intent = (parse.get("intent") or {}).get("name")
        messages = screening_messages()
        for response in choose_replies(intent, labels, before, after):
            dispatcher.utter_message(text=messages.text(response))
        slots = after.as_slots()
        return [
            SlotSet(name, value) for name, value in slots.items() if tracker.get_slot(name) != value
        ]
