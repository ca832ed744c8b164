"""The action server's safety net: a turn that fails still gets an answer.

An action built on `SafeAction` never leaves the person with silence: if its `respond`
raises, whatever it had queued is dropped, the fixed safe reply is sent instead (that
something went wrong, the emergency advice, and that they can write again), and nothing of
the conversation is changed. The log names the action and the kind of error, never the
error's message, which may quote what the person wrote.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.screening.messages import SAFE_REPLY, screening_messages

logger = logging.getLogger(__name__)


class SafeAction(Action, ABC):
    """An action whose failure gets the safe reply instead of an error or silence
    (abstract, so the action server registers only its subclasses)."""

    @abstractmethod
    def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """What the action does (subclasses implement it instead of `run`)."""

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Run `respond`; on any error, send only the safe reply and change nothing."""
        try:
            return self.respond(dispatcher, tracker, domain)
        except Exception as error:  # noqa: BLE001 (the point: nothing may escape silently)
            logger.error(
                "%s failed with %s; the person got the safe reply",
                self.name(),
                type(error).__name__,
            )
            dispatcher.messages.clear()
            dispatcher.utter_message(text=screening_messages().text(SAFE_REPLY))
            return []
