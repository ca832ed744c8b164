"""How much one message and one request to the Rasa server may carry (one place for both).

A message longer than MAX_MESSAGE_CHARS is refused before it reaches the model, on every
channel: HTTP 413 over REST and the HTTP API, a short bot message over socket.io. The chat
page gets the same number from its server and says it before sending. 20,000 characters
hold a long pasted job advert or a long account several times over (the longest message of
the training data and the devset has about 750), while one message costs the model about a
second at most (`python -m bot.ops.oversize` measures it; the README has the figures).

A request body above MAX_REQUEST_BYTES is refused by the web server itself (Sanic's
REQUEST_MAX_SIZE) before it is read: room for any accepted message even with every
character JSON-escaped (12 bytes for an emoji), and nothing near the 10 MB that once
stalled the server.
"""

from __future__ import annotations

MAX_MESSAGE_CHARS = 20_000
MAX_REQUEST_BYTES = 1_048_576

TOO_LONG_REPLY = (
    f"Your message is too long for Lantern to read (the limit is {MAX_MESSAGE_CHARS:,} "
    "characters). Please send it in shorter parts. If you are in danger now, call your local "
    "emergency number."
)
TOO_LARGE_REQUEST = f"The request body is larger than {MAX_REQUEST_BYTES:,} bytes."


def too_long(text: str) -> bool:
    """True when a message is above the limit (counted in characters, as a person types)."""
    return len(text) > MAX_MESSAGE_CHARS


def too_long_message(length: int) -> str:
    """The error for an API client that sent a message of `length` characters."""
    return (
        f"The message has {length:,} characters; the limit is {MAX_MESSAGE_CHARS:,}. "
        "Send it in shorter parts."
    )
