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
# "i'm in X", "we live in X", "i am still here in X": where the writer is themselves. In a
# conversation about someone else this is the family's place, not the person's
# (bot.screening.state). Only first-person present phrases count; "they are in X" does not.
_WRITER_HERE = re.compile(
    r"\b(?:(?:i am|i m|im|iam|we are|we re)(?:\s+(?:currently|still|now|here|staying|living|"
    r"based|also))*\s+(?:in|at)|(?:i|we)(?:\s+(?:currently|still|now|also))?\s+"
    r"(?:live|stay|reside)\s+(?:here\s+)?(?:in|at))(?:\s+the)?\s*$"
)
_LOOKBEHIND_CHARS = 60


@dataclass(frozen=True)
class PlaceResult:
    """The places of one message as ISO 3166-1 alpha-2 codes (or None)."""

    country: str | None
    home_country: str | None
    high_risk_place: bool = False  # a scam-compound area is named as where someone is or goes
    # Where the writer says they are themselves ("I'm in Davao", "we live in Hanoi"), and
    # where-now of the other places named (what `country` is when the writer writes about
    # someone else). Both None when the writer gives no place of their own.
    writer_country: str | None = None
    others_country: str | None = None


def locate_places(text: str, gazetteer: Gazetteer | None = None) -> PlaceResult:
    """Return where the person is or is going, and where they come from."""
    normalised = normalise(text)
    mentions = (gazetteer or default_gazetteer()).mentions(normalised)
    current: list[Mention] = []
    writers: list[Mention] = []
    home: str | None = None
    for mention in mentions:
        before = normalised[max(0, mention.start - _LOOKBEHIND_CHARS) : mention.start]
        if not mention.is_demonym and _WRITER_HERE.search(before):
            writers.append(mention)
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
    writer_country = writers[-1].code if writers else None
    return PlaceResult(
        country=_where_now(current),
        home_country=home,
        high_risk_place=any(mention.high_risk for mention in current),
        writer_country=writer_country,
        others_country=(
            _where_now([m for m in current if m not in writers]) if writer_country else None
        ),
    )


def _where_now(mentions: list[Mention]) -> str | None:
    """A scam-compound area wins over a transit point; otherwise the latest place."""
    if not mentions:
        return None
    risky = [m for m in mentions if m.high_risk]
    return (risky or mentions)[-1].code
