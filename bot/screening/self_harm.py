"""Thoughts of self-harm, recognised from plain phrases so the crisis answer never waits on a model.

A missed self-harm message is among the worst errors the bot can make, so these phrases
widen the model's `urgent` label; they never narrow it.
"""

from __future__ import annotations

import re

_PHRASES = (
    r"kill(?:ing)? my ?self",
    r"end(?:ing)? (?:my|it) (?:life|all)",
    r"end it all",
    r"take my (?:own )?life",
    r"suicid\w*",
    r"(?:want|wanna|going|gonna) (?:to )?die",
    r"better (?:off )?dead",
    r"no (?:reason|point) (?:to|in) (?:live|living|go on|going on)",
    r"don'?t want to (?:live|be alive|wake up)",
    r"hurt(?:ing)? my ?self",
    r"cut(?:ting)? my ?self",
    r"jump (?:off|from) the (?:roof|building|window)",
    r"can'?t (?:go on|take (?:it|this) any ?more)",
)
_SELF_HARM = re.compile(r"\b(?:" + "|".join(_PHRASES) + r")\b", re.IGNORECASE)
# "my friend wants to kill himself" is about someone else: still urgent, still a crisis line.


def mentions_self_harm(text: str) -> bool:
    """True when the message speaks of suicide or self-harm."""
    return bool(_SELF_HARM.search(text or ""))
