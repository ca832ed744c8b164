"""`redact(text)`: a message with what identifies a person replaced by placeholders.

What each placeholder stands for, and what finds it:

- `[EMAIL]`: urlextract, and a pattern for spelled-out addresses ("lily at gmail dot com");
- `[HANDLE]`: "@name", a word after a platform name ("line id: jane99"), and links (a
  platform link keeps its host, "t.me/[HANDLE]"; any other link is replaced whole);
- `[PHONE]`: phonenumbers' matcher in 27 countries' formats, then any 7-15 digit run that
  is not money or a date;
- `[ID_NUMBER]`: a number after a document word (passport, ID, NIK, ...), a word mixing
  letters and 5+ digits, digit runs of 12 or more;
- `[ADDRESS]`: street words with numbers or names, stated addresses (addresses.py);
- `[NAME]`: cue words, titles and Faker's name lists (names.py).

The rules err on the side of removing too much: a trainer reading a real name or number
is the failure that matters, a word lost to a placeholder is not. What is not caught is
listed in each finder's docstring and in docs/privacy.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.privacy.addresses import find_addresses
from bot.privacy.contacts import find_contacts
from bot.privacy.names import find_names
from bot.privacy.spans import KIND_PRIORITY, Span, merge

PLACEHOLDERS: dict[str, str] = {kind: f"[{kind}]" for kind in KIND_PRIORITY}
# Characters YAML and most viewers cannot show: C0/C1 controls (but tab and newline),
# lone surrogates and the two non-characters.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Redaction:
    """The redacted text and the kinds of placeholder put in, in `KIND_PRIORITY` order."""

    text: str
    kinds: tuple[str, ...]


def redact(text: str) -> Redaction:
    """Replace names, phone numbers, e-mails, ID numbers, addresses and handles."""
    if not isinstance(text, str):
        raise TypeError(f"redact() needs a str, not {type(text).__name__}")
    text = _UNPRINTABLE.sub(" ", text)
    spans = merge(find_contacts(text) + find_addresses(text) + find_names(text))
    pieces, position = [], 0
    for span in spans:
        pieces.append(text[position : span.start])
        pieces.append(PLACEHOLDERS[span.kind])
        position = span.end
    pieces.append(text[position:])
    kinds = {span.kind for span in spans}
    return Redaction("".join(pieces), tuple(k for k in KIND_PRIORITY if k in kinds))


def spans_of(text: str) -> list[Span]:
    """The merged spans redact() would replace (for tests and reports)."""
    return merge(find_contacts(text) + find_addresses(text) + find_names(text))
