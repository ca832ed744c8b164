"""Which directory entries an answer gives, by purpose and by what the conversation knows.

Only entries of the referral directory are ever offered. What the directory lacks is
reported need by need ("no checked emergency number for Laos"), so the answer can say
plainly what is missing before what there is, instead of inventing a number or letting an
embassy line that happens to be in the place stand for an emergency number.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.referrals import Directory, Referral, find_referrals, places_without_referrals
from bot.screening.state import ConversationState

# Purposes of a block of numbers besides the guidance topics (stage values, about_other).
EMERGENCY = "emergency"
SELF_HARM = "self_harm"
TRAFFICKING = "trafficking"
# Purposes whose numbers are dialled where the person is now (`country`); for the others
# (a jobseeker at home, a family member) where the caller is is not known.
CALLED_FROM_HERE = frozenset({EMERGENCY, SELF_HARM, TRAFFICKING, "in_situ", "exited"})


@dataclass(frozen=True)
class Gap:
    """A need the directory has no checked line for: in `place`, or (abroad) for the
    people of `place` who are abroad."""

    need: str
    place: str
    abroad: bool = False


@dataclass(frozen=True)
class Step:
    """One lookup of a plan: a need, where, for whom, how many lines, and whether a gap is
    worth saying."""

    need: str
    country: str | None
    home: str | None
    limit: int
    report: bool


@dataclass(frozen=True)
class ReferralChoice:
    """Entries to show, best first; what is missing; where the person calls from."""

    entries: tuple[Referral, ...]
    gaps: tuple[Gap, ...] = ()
    caller: str | None = None  # where the person is, when the purpose says and it is known
    place_known: bool = True
    local_place_unknown: bool = False  # local numbers were wanted but the place is unknown

    @property
    def missing(self) -> tuple[str, ...]:
        """The places with a gap, in order."""
        return tuple(dict.fromkeys(gap.place for gap in self.gaps))


def _plan(purpose: str, here: str | None, home: str | None) -> list[Step]:
    plans: dict[str, list[Step]] = {
        EMERGENCY: [
            Step("emergency", here, None, 2, True),
            Step("trafficking", here, home, 1, False),
            Step("embassy", here, home, 1, False),
        ],
        SELF_HARM: [
            Step("self_harm", here, None, 2, False),
            Step("emergency", here, None, 2, True),
        ],
        "prospective": [
            Step("trafficking", home, home, 1, True),
            Step("labour", home, home, 1, False),
            Step("trafficking", here, home, 2, True),
        ],
        "in_situ": [
            Step("trafficking", here, home, 2, True),
            Step("embassy", here, home, 1, False),
        ],
        "exited": [
            Step("trafficking", here, home, 1, True),
            Step("embassy", here, home, 1, False),
            Step("labour", home, home, 1, False),
            # Out of the compound: the emergency number where they are is worth having too.
            Step("emergency", here, None, 1, False),
        ],
        "about_other": [
            Step("trafficking", home, home, 1, True),
            Step("trafficking", here, home, 1, True),
            Step("embassy", here, home, 1, False),
        ],
    }
    return plans.get(purpose, [Step("trafficking", here, home, 2, True)])


def choose_referrals(
    directory: Directory, purpose: str, state: ConversationState
) -> ReferralChoice:
    """The entries for a purpose: emergency, self_harm, trafficking, or a guidance topic.

    Each step looks up one need for people in one place (and nationals of `home`); a step
    marked `report` records a gap for each place it looked at and found nothing for that
    need. Lines of the home country (`need, home, home`) include those for nationals about
    to go abroad and their families, which are dialled at home.
    """
    here, home = state.country, state.home_country
    entries: list[Referral] = []
    gaps: list[Gap] = []
    for step in _plan(purpose, here, home):
        found = find_referrals(directory, step.need, step.country, step.home)
        entries.extend([entry for entry in found if entry not in entries][: step.limit])
        if step.report:
            gaps.extend(gap for gap in _gaps(directory, step) if gap not in gaps)
    local_wanted = purpose in (EMERGENCY, SELF_HARM)
    return ReferralChoice(
        entries=tuple(entries),
        gaps=tuple(gaps),
        caller=here if purpose in CALLED_FROM_HERE else None,
        place_known=here is not None or home is not None,
        local_place_unknown=local_wanted and here is None,
    )


def _gaps(directory: Directory, step: Step) -> list[Gap]:
    """The places a step looked at that have no line for its need."""
    return [
        Gap(step.need, place, abroad=step.need == "embassy" or place != step.country)
        for place in places_without_referrals(directory, step.need, step.country, step.home)
    ]
