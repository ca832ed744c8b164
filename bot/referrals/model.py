"""One entry of the referral directory, and the vocabulary its fields use."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

NEEDS = frozenset(
    {
        "trafficking",  # anti-trafficking hotlines and reporting lines
        "emergency",  # the general emergency number of a place
        "police",
        "medical",  # ambulance, medical emergency
        "self_harm",  # crisis lines
        "embassy",  # consular help: an embassy or consulate, or the foreign ministry's hotline
        "labour",  # migrant-worker and recruitment-agency lines
        "scam_report",  # reporting online scams (as a scam victim)
    }
)

# Who a line is for: people physically in `country` (whatever their nationality), or
# `country`'s citizens who are abroad or about to go abroad, and their families.
SERVES = frozenset({"in_country", "nationals_abroad"})

# `number_check: source_only` marks a number that the phonenumbers library does not recognise
# (an unlisted short code, or a national number printed without an area code) and that is
# kept only because a dated source prints it exactly so.
NUMBER_CHECKS = frozenset({"source_only"})


@dataclass(frozen=True)
class Referral:
    """A hotline, emergency number, embassy line or organisation, with its source."""

    id: str
    country: str  # ISO alpha-2: where the number is dialled, or the authority's (embassy's) nation
    organisation: str
    service: str
    needs: tuple[str, ...]
    serves: str
    phone: str  # E.164 ('+66991301300'), or as printed to be dialled inside `dial_from`
    source_url: str
    source_date: str  # YYYY, YYYY-MM or YYYY-MM-DD, as the source shows it
    checked: str  # YYYY-MM-DD
    dial_from: str | None = None  # ISO alpha-2 where a short code or national number works
    located_in: str | None = None  # embassies: ISO alpha-2 of the country the embassy is in
    number_check: str | None = None
    # A short code or national number's form for calling from outside `dial_from`, exactly
    # as the entry's source prints it ('+852 1868'); None when the source gives none.
    phone_abroad: str | None = None
    # Why the number could not be confirmed (e.g. two dated sources print different lines).
    unconfirmed: str | None = None
    other_contacts: str | None = None
    languages: tuple[str, ...] = ()
    hours: str | None = None
    notes: str | None = None

    @property
    def is_international(self) -> bool:
        """True when the phone is in E.164 form and can be dialled from anywhere."""
        return self.phone.startswith("+")

    def reachable_from(self, place: str | None) -> bool:
        """True when someone in `place` can dial the phone as written."""
        return self.is_international or (place is not None and self.dial_from == place)

    def number_from(self, place: str | None) -> str | None:
        """The number someone in `place` dials: the phone, or its form from abroad; None
        when the directory has no form that works from there."""
        if self.reachable_from(place):
            return self.phone
        if place is not None and self.phone_abroad is not None:
            return self.phone_abroad
        return None


@dataclass(frozen=True)
class Directory:
    """Every referral, in file order (files sorted by country code)."""

    entries: tuple[Referral, ...]

    def __iter__(self) -> Iterator[Referral]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, referral_id: str) -> Referral:
        """The entry with this id (KeyError when there is none)."""
        for entry in self.entries:
            if entry.id == referral_id:
                return entry
        raise KeyError(referral_id)

    @property
    def countries(self) -> frozenset[str]:
        """Every `country` that has at least one entry."""
        return frozenset(entry.country for entry in self.entries)
