"""Rasa's socket.io channel, keyed by a stored id derived from the client's session id.

Configured in credentials.yml as `bot.channels.socket_io.LanternSocketIOInput`. Rasa's
channel puts a socket in the room named by the session id it asks for and sends replies to
the room of the conversation's id, so anyone who knew a session id (staff saw them) could
listen to that conversation. Here the conversation is stored under
HMAC(key, "socketio:" + session id) and a socket joins the room of that derived id: only a
client that knows the session id itself gets the replies, and a client that sends a stored
id as its session id lands in another conversation. A message above the size limit gets a
short bot message and never reaches Rasa.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.conversations.ids import conversation_key, stored_conversation_id
from bot.limits import TOO_LONG_REPLY, too_long

logger = logging.getLogger(__name__)


class LanternSocketIOInput(SocketIOInput):
    """SocketIOInput whose conversations and rooms are the derived ids."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._key = conversation_key()

    def stored_id(self, client_id: str) -> str:
        """The id the conversation of `client_id` is stored under (and its room)."""
        return stored_conversation_id(self._key, self.name(), client_id)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint (connection, Origin and JWT handling kept), with our own
        session_request and message handlers in place of Rasa's."""
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint

        async def session_request(sid: str, data: Any) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not isinstance(session_id, str) or not session_id:
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                # One conversation per socket: leave the room of an earlier session.
                for room in sio.rooms(sid, namespace=self.namespace):
                    if room != sid:
                        sio.leave_room(sid, room, namespace=self.namespace)
                sio.enter_room(sid, self.stored_id(session_id), namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                return
            if self.session_persistence:
                client_id = data.get("session_id")
                if not isinstance(client_id, str) or not client_id:
                    logger.warning("A socket.io message without a session id was ignored.")
                    return
                sender_id = self.stored_id(client_id)
            else:
                sender_id = self.stored_id(sid)
                sio.enter_room(sid, sender_id, namespace=self.namespace)
            text = data.get("message", "")
            if not isinstance(text, str):
                logger.warning("A socket.io message whose text is not a string was ignored.")
                return
            if too_long(text):
                await sio.emit(
                    self.bot_message_evt,
                    {"text": TOO_LONG_REPLY},
                    room=sid,
                    namespace=self.namespace,
                )
                return
            message = UserMessage(
                text,
                SocketIOOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=_metadata(data.get(self.metadata_key)),
            )
            await on_new_message(message)

        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return blueprint


def _metadata(value: Any) -> dict[str, Any]:
    """The message's metadata as Rasa takes it (an object, or an object as JSON text)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return {}
    return value if isinstance(value, dict) else {}
