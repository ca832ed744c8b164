"""Rasa's SQL tracker store, plus erasure on request (thin; the work is in `erasure`).

When the person asks to erase the conversation, `action_erase_conversation` runs. On the
save that follows that turn, this store deletes every stored event of the conversation
instead of appending the new ones, so nothing the person wrote stays behind, and records
that an erasure happened. Configured in endpoints.yml as
`type: bot.conversations.tracker_store.ErasingSQLTrackerStore`.
"""

from __future__ import annotations

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversations.erasure import erase_conversation

ERASE_ACTION = "action_erase_conversation"


def erasure_requested(tracker: DialogueStateTracker) -> bool:
    """True when the erase action ran after the latest user message."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == ERASE_ACTION:
            return True
    return False


class ErasingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that erases a conversation when the person asked for it."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the new events, or erase the whole conversation after an erase request."""
        if erasure_requested(tracker):
            with self.engine.begin() as connection:
                erase_conversation(connection, tracker.sender_id, requested_by="person")
            return
        await super().save(tracker)
