"""The id a conversation is stored under, derived from the id the person's client uses.

A browser's session id (or a REST sender) is a secret of that client: whoever knows it can
write into the conversation and, over socket.io, receive its replies. Everything stored and
shown (the tracker store, the staff console, its URLs and access log, exports) only sees
HMAC-SHA256(key, channel + ":" + client id), which cannot be turned back into the client's
id, and which a client cannot use to reach the conversation: the channels derive the
stored id from whatever a client sends. The channel's name keeps REST and socket.io apart.
The key is CONVERSATION_ID_KEY in .env, generated at set-up; changing it starts every
client on a new conversation.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping

KEY_VARIABLE = "CONVERSATION_ID_KEY"
MIN_KEY_LENGTH = 32


def stored_conversation_id(key: str, channel: str, client_id: str) -> str:
    """The id under which `client_id`'s conversation on `channel` is stored (64 hex digits)."""
    message = f"{channel}:{client_id}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def conversation_key(environment: Mapping[str, str] = os.environ) -> str:
    """The key from the environment; a missing or short key is refused with a clear error."""
    key = environment.get(KEY_VARIABLE, "")
    if len(key) < MIN_KEY_LENGTH:
        raise RuntimeError(
            f"{KEY_VARIABLE} must be set to a random value of at least {MIN_KEY_LENGTH} "
            "characters (make run writes one into .env)"
        )
    return key
