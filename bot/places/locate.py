"""Decide which named place is where the person is (or is going) and which is home."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.places.gazetteer import Gazetteer, Mention, default_gazetteer, normalise

# Words right before a demonym or "from X" that make it the writer's own origin:
# "i'm filipino", "we are 5 indonesians", "my son is from nepal".
_SELF = (
    r"(?:i am|i m|im|iam|we are|we re|were|we|he is|he s|hes|she is|she s|shes|"
    r"(?:son|daughter|brother|sister|friend|husband|wife|cousin|child|nephew|niece|"
    r"boyfriend|girlfriend)s?(?: is| are))"
)
_FILLER = r"(?:\s+(?:a|an|all|both|also|originally|\d+|two|three|four|five|six|many|some))*"
_DEMONYM_HOME = re.compile(rf"\b{_SELF}{_FILLER}\s*$")
_FROM_HOME = re.compile(
    rf"\b(?:{_SELF}|originally|come|came|comes|coming|citizen|citizens|native){_FILLER}"
    r"\s+from(?:\s+the)?\s*$"
)
# "back home in X", "returned to X", "my country is X": home, and for the ones that say
# so, also where the person is now.
_HOME_AND_HERE = re.compile(
    r"\b(?:back home in|back home to|back in|home in|returned to|return to|went back to|"
    r"came back to|sent back to|deported to|repatriated to|safe in|now in)(?:\s+the)?\s*$"
)
_HOME_ONLY = re.compile(
    r"\b(?:my country(?: is)?|my home country(?: is)?|my hometown(?: is)?|"
    r"go home to|going home to|back home(?: is)?|home country)(?:\s+the)?\s*$"
)
_LOOKBEHIND_CHARS = 60


@dataclass(frozen=True)
class PlaceResult:
    """The places of one message as ISO 3166-1 alpha-2 codes (or None)."""

    country: str | None
    home_country: str | None
    high_risk_place: bool = False  # a scam-compound area is named as where someone is or goes


def locate_places(text: str, gazetteer: Gazetteer | None = None) -> PlaceResult:
    """Return where the person is or is going, and where they come from."""
    normalised = normalise(text)
    mentions = (gazetteer or default_gazetteer()).mentions(normalised)
    current: list[Mention] = []
    home: str | None = None
    for mention in mentions:
        before = normalised[max(0, mention.start - _LOOKBEHIND_CHARS) : mention.start]
        if mention.is_demonym:
            if _DEMONYM_HOME.search(before):
                home = home or mention.code
            continue
        if _HOME_AND_HERE.search(before):
            home = home or mention.code
            current.append(mention)
        elif _FROM_HOME.search(before) or _HOME_ONLY.search(before):
            home = home or mention.code
        else:
            current.append(mention)
    return PlaceResult(
        country=_where_now(current),
        home_country=home,
        high_risk_place=any(mention.high_risk for mention in current),
    )


def _where_now(mentions: list[Mention]) -> str | None:
    """A scam-compound area wins over a transit point; otherwise the latest place."""
    if not mentions:
        return None
    risky = [m for m in mentions if m.high_risk]
    return (risky or mentions)[-1].code
