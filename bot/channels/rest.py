"""Rasa's REST channel, keyed by a stored id derived from the request's `sender`.

Configured in credentials.yml as `bot.channels.rest.LanternRestInput`. The request checks
that need no Rasa (a sender, the message's size, the caller's Origin) are done before this
channel runs, by the middleware of bot/ops/rasa_server.py; a request without a sender that
still reaches it is refused here too, so no two clients ever share a conversation.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from bot.conversations.ids import conversation_key, stored_conversation_id


class LanternRestInput(RestInput):
    """RestInput whose conversations are stored under HMAC(key, "rest:" + sender)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._key = conversation_key()

    async def _extract_sender(self, req: Request) -> str:
        body = req.json
        sender = body.get("sender") if isinstance(body, dict) else None
        if not isinstance(sender, str) or not sender:
            raise InvalidUsage('The request body needs "sender" as a non-empty string.')
        return stored_conversation_id(self._key, self.name(), sender)

    def _extract_input_channel(self, req: Request) -> str:
        # Rasa lets the body name any channel; the stored event says where it came from.
        return self.name()
