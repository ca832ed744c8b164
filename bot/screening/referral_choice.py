"""Which directory entries an answer gives, by purpose and by what the conversation knows.

Only entries of the referral directory are ever offered; when it has nothing for a place,
the place is reported as missing so the answer can say so instead of inventing a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.referrals import Directory, Referral, find_referrals
from bot.screening.state import ConversationState

# Purposes of a block of numbers besides the guidance topics (stage values, about_other).
EMERGENCY = "emergency"
SELF_HARM = "self_harm"
TRAFFICKING = "trafficking"


@dataclass(frozen=True)
class ReferralChoice:
    """Entries to show, best first, and the places the directory has nothing for."""

    entries: tuple[Referral, ...]
    missing: tuple[str, ...]
    place_known: bool


def choose_referrals(
    directory: Directory, purpose: str, state: ConversationState
) -> ReferralChoice:
    """The entries for a purpose: emergency, self_harm, trafficking, or a guidance topic.

    Each step looks up one need for people in one place (and nationals of `home`); a step
    marked `report` names its place as missing when the directory has nothing there. Lines
    of the home country (`need, home, home`) include those for nationals about to go abroad
    and their families, which are dialled at home.
    """
    here, home = state.country, state.home_country
    plans: dict[str, list[tuple[str, str | None, str | None, int, bool]]] = {
        EMERGENCY: [("emergency", here, None, 2, True), ("trafficking", here, home, 1, False)],
        SELF_HARM: [("self_harm", here, None, 2, False), ("emergency", here, None, 2, True)],
        "prospective": [
            ("trafficking", home, home, 1, True),
            ("labour", home, home, 1, False),
            ("trafficking", here, home, 2, True),
        ],
        "in_situ": [("trafficking", here, home, 2, True), ("embassy", here, home, 1, False)],
        "exited": [
            ("trafficking", here, home, 1, True),
            ("embassy", here, home, 1, False),
            ("labour", home, home, 1, False),
        ],
        "about_other": [
            ("trafficking", home, home, 1, True),
            ("trafficking", here, home, 1, True),
            ("embassy", here, home, 1, False),
        ],
    }
    plan = plans.get(purpose, [("trafficking", here, home, 2, True)])

    entries: list[Referral] = []
    looked_at: list[str] = []
    for need, country, home_country, limit, report in plan:
        found = find_referrals(directory, need, country, home_country)
        entries.extend([entry for entry in found if entry not in entries][:limit])
        if report:
            looked_at.extend(p for p in (country, home_country) if p and p not in looked_at)
    covered = {e.country for e in entries} | {e.located_in or e.dial_from for e in entries}
    return ReferralChoice(
        entries=tuple(entries),
        missing=tuple(place for place in looked_at if place not in covered),
        place_known=here is not None or home is not None,
    )
