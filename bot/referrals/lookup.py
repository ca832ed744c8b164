"""Which referrals fit a need, where the person is (`country`) and where they are from.

Nothing is invented: when the directory has no entry, the result is empty, and
`places_without_referrals` names the place(s) so the bot can say "I have no number for X".
"""

from __future__ import annotations

from bot.referrals.model import NEEDS, Directory, Referral

# Needs answered by the lines that work where the person is now.
LOCAL_NEEDS = frozenset({"emergency", "police", "medical", "self_harm"})


def find_referrals(
    directory: Directory, need: str, country: str | None, home_country: str | None = None
) -> tuple[Referral, ...]:
    """The entries for `need`, best first; empty when the directory has none.

    - emergency, police, medical, self_harm: the lines of `country` for people there.
    - trafficking, labour, scam_report: the lines of `country` for people there, then the
      lines of `home_country` for its nationals abroad (its embassy in `country` first, then
      the numbers that can be dialled from `country`).
    - embassy: `home_country`'s embassy or consulate located in `country`, then its consular
      hotlines for nationals anywhere (entries without located_in).
    """
    found: list[Referral] = []
    for _, entries in _groups(directory, need, country, home_country):
        found.extend(entry for entry in entries if entry not in found)
    return tuple(found)


def places_without_referrals(
    directory: Directory, need: str, country: str | None, home_country: str | None = None
) -> tuple[str, ...]:
    """The codes among `country` / `home_country` for which `need` has no entry.

    Only the places the need looks at count: `country` for emergency, police, medical and
    self-harm; `home_country` for embassy; both for the others. Unknown places (None) are
    never listed: the caller knows it has no place to look up.
    """
    by_place: dict[str, bool] = {}
    for place, entries in _groups(directory, need, country, home_country):
        if place is not None:
            by_place[place] = by_place.get(place, False) or bool(entries)
    return tuple(place for place, found in by_place.items() if not found)


def _groups(
    directory: Directory, need: str, country: str | None, home_country: str | None
) -> list[tuple[str | None, list[Referral]]]:
    """(place looked at, its entries) in the order they are offered."""
    if need not in NEEDS:
        raise ValueError(f"unknown need {need!r}; known: {', '.join(sorted(NEEDS))}")
    country = country.upper() if country else None
    home_country = home_country.upper() if home_country else None
    if need in LOCAL_NEEDS:
        return [(country, _in_country(directory, need, country))]
    if need == "embassy":
        return [(home_country, _consular(directory, home_country, country))]
    return [
        (country, _in_country(directory, need, country)),
        (home_country, _for_nationals_abroad(directory, need, home_country, country)),
    ]


def _in_country(directory: Directory, need: str, country: str | None) -> list[Referral]:
    """Lines of `country` for people physically there."""
    if country is None:
        return []
    return [
        entry
        for entry in directory
        if entry.country == country and entry.serves == "in_country" and need in entry.needs
    ]


def _for_nationals_abroad(
    directory: Directory, need: str, home_country: str | None, country: str | None
) -> list[Referral]:
    """`home_country`'s lines for its nationals abroad: its missions elsewhere are left out."""
    if home_country is None:
        return []
    entries = [
        entry
        for entry in directory
        if entry.country == home_country
        and entry.serves == "nationals_abroad"
        and need in entry.needs
        and entry.located_in in (None, country)
    ]
    return sorted(
        entries,
        key=lambda entry: (entry.located_in != country, not entry.reachable_from(country)),
    )


def _consular(
    directory: Directory, home_country: str | None, country: str | None
) -> list[Referral]:
    """`home_country`'s embassy in `country` first, then its consular hotlines for anywhere."""
    if home_country is None:
        return []
    mine = [e for e in directory if e.country == home_country and "embassy" in e.needs]
    in_country = [e for e in mine if country is not None and e.located_in == country]
    anywhere = [e for e in mine if e.located_in is None]
    return in_country + sorted(anywhere, key=lambda entry: not entry.reachable_from(country))
