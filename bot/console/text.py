"""People's text on staff pages: characters that hide or reorder text are made visible.

A message may carry NUL and other control characters, or Unicode's bidirectional overrides
(a right-to-left override, U+202E, makes "invoice_<U+202E>gpj.exe" read "invoice_exe.jpg").
Jinja2 escapes HTML but passes these through, so every value a template prints goes through
`neutralise` (installed as the environment's `finalize`, see bot/console/app.py): a control
character becomes its visible Unicode picture (U+2400 for NUL), a bidi control "[U+202E]".
Tabs and line breaks are kept.

What staff type arrives with NUL replaced in the same way (`visible_nul`, applied to every
form field): PostgreSQL refuses NUL in text, and a search or a note must not fail on it.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

# Embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI).
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
HIDDEN = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
NUL_PICTURE = 0x2400  # U+2400 SYMBOL FOR NULL; the C0 controls' pictures follow it
DELETE_PICTURE = "\u2421"


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(NUL_PICTURE + code)
    if code == 0x7F:
        return DELETE_PICTURE
    return f"[U+{code:04X}]"


def visible_nul(value: Any) -> Any:
    """Text typed into a form or URL with each NUL replaced by its visible picture, U+2400
    (PostgreSQL cannot store NUL; nothing else is changed)."""
    return value.replace("\x00", chr(NUL_PICTURE)) if isinstance(value, str) else value


def neutralise(value: Any) -> Any:
    """`value` with hidden characters made visible; anything but text is left as it is
    (already safe markup stays markup: the replacements hold no HTML)."""
    if isinstance(value, Markup):
        return Markup(HIDDEN.sub(_visible, str(value)))
    if isinstance(value, str):
        return HIDDEN.sub(_visible, value)
    return value
