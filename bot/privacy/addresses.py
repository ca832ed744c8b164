"""Finding street addresses by the words addresses are written with.

Caught: a stated address ("my address is ...", "address: ...", "i live at ...", "staying
at ...") up to the end of its line or sentence; a house or unit number with a street word
("12 Jalan Merdeka", "Blk 5 Lot 7", "123 Rizal St."); a street word with its name and number
("Soi 11", "Jl. Sudirman No. 5", "Purok 3", "Brgy. San Isidro", "Moo 4", "Room 305",
"Building 7", "Street 271"); postcodes after a street part. Not caught: a place named
without any street word or number ("near the big market in Mae Sot"); cities and countries
are kept on purpose, the screening needs them and they identify no one.
"""

from __future__ import annotations

import re

from bot.privacy.spans import Span

STREET_WORDS = (
    r"street|st|road|rd|avenue|ave|lane|ln|drive|boulevard|blvd|highway|hwy|alley|"
    r"soi|thanon|jalan|jl|jln|gang|gg|duong|đường|pho|phố|ngo|ngõ|hem|hẻm|"
    r"barangay|brgy|bgy|purok|sitio|moo|village|subdivision|subd|"
    r"blk|block|lot|unit|bldg|building|tower|floor|flr|room|apartment|apt|"
    r"condo|house|kampung|desa|kelurahan|kecamatan|rt|rw|phuong|phường|"
    r"tambon|amphoe|tole|marg|nagar|colony|sector|mohalla|gali|plot|flat"
)
_NUMBER = r"\d{1,5}[a-zA-Z]?(?:[/-]\d{1,5}[a-zA-Z]?)?"
# Between a house number and its street word: only capitalised words ("12 Rizal St").
_NAME_WORDS = r"(?:[A-Z][\w'.-]*\s+){0,3}"
_NUMBER_THEN_STREET = re.compile(
    rf"(?<![\w$])(?i:no\.?\s*)?{_NUMBER},?\s+{_NAME_WORDS}(?i:{STREET_WORDS})\b\.?"
)
_STREET_THEN_NUMBER = re.compile(
    rf"\b(?:{STREET_WORDS})\.?\s*(?:no\.?|number|#)?\s*{_NUMBER}\b"
    rf"(?:\s*,?\s*(?:{STREET_WORDS})\.?\s*(?:no\.?)?\s*{_NUMBER}\b)*",
    re.IGNORECASE,
)
_STREET_THEN_NAME = re.compile(
    r"\b(?i:jalan|jl|jln|thanon|soi|duong|đường|pho|phố|barangay|brgy|bgy|sitio|purok|"
    r"kampung|desa|kelurahan|kecamatan|phuong|phường|tambon|amphoe|gali|marg|nagar)\.?\s+"
    r"(?:[A-Z][\w'-]*|\d+)(?:\s+(?!(?i:no|number)\b)(?:[A-Z][\w'-]*|\d+)){0,3}"
    r"(?:\s*(?i:no\.?|number)\s*\d+\w?)?",
    re.UNICODE,
)
_STATED = re.compile(
    r"\b(?:my\s+(?:home\s+|house\s+)?address\s*(?:is|:)|address\s*:|home\s+address\s*:?|"
    r"(?:i|we|he|she|they)\s+(?:live|lives|living|stay|stays|staying)\s+(?:at|in\s+no\.?\s*\d)|"
    r"(?:send|deliver)\s+(?:it\s+)?to\s+(?=\d))"
    r"\s*(?P<address>[^\n.!?]{3,160})",
    re.IGNORECASE,
)
_POSTCODE = re.compile(r"^\s*,?\s*\d{4,6}\b")


def find_addresses(text: str) -> list[Span]:
    """Every street address, house or unit number and stated address in the text."""
    spans = []
    for pattern in (_NUMBER_THEN_STREET, _STREET_THEN_NUMBER, _STREET_THEN_NAME):
        for match in pattern.finditer(text):
            end = match.end()
            postcode = _POSTCODE.match(text[end:])
            if postcode:
                end += postcode.end()
            spans.append(Span(match.start(), end, "ADDRESS"))
    for match in _STATED.finditer(text):
        spans.append(Span(match.start("address"), match.end("address"), "ADDRESS"))
    return spans
