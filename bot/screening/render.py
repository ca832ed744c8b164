"""Turn a planned reply into the text, buttons and phone numbers the person gets.

Placeholders in a response's text are filled from the reply's values, plus `{numbers}`:
first what the directory lacks for the person's place, need by need, then the chosen
directory entries, one line each. Numbers come only from the directory, exactly as stored
there; a number that works only inside one country says so, with the form for calling from
abroad when the entry's source prints one. Every number shown is also returned as data
(`RenderedReply.phones`), so the chat page links exactly those and guesses nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.places import country_name
from bot.referrals import Referral
from bot.screening.dialogue import Reply
from bot.screening.messages import Messages
from bot.screening.referral_choice import Gap, ReferralChoice

# Every placeholder a response in responses/ may use: the numbers block of a reply, and the
# parts of its lines (checked when the service starts, bot/ops/preflight.py).
PLACEHOLDERS = frozenset(
    {"numbers", "place", "organisation", "phone", "phone_abroad", "country", "notes"}
)


@dataclass(frozen=True)
class Phone:
    """A number as the text shows it, and what a `tel:` link to it dials."""

    text: str
    tel: str

    @classmethod
    def of(cls, number: str) -> Phone:
        """'+852 1868' -> tel '+8521868'; '8834-4996' -> tel '88344996'."""
        digits = re.sub(r"\D", "", number)
        return cls(number, ("+" + digits) if number.startswith("+") else digits)

    def as_data(self) -> dict[str, str]:
        """The JSON form sent to the chat page."""
        return {"text": self.text, "tel": self.tel}


@dataclass(frozen=True)
class RenderedReply:
    """One message of the bot: text, buttons and the phone numbers in the text."""

    text: str
    buttons: tuple[dict[str, str], ...] = ()
    phones: tuple[Phone, ...] = ()


def render(reply: Reply, messages: Messages) -> RenderedReply:
    """The text, buttons and numbers of a reply.

    A reply with a `variant` value (a country code) uses `<response>_<variant>` when the
    responses have one, e.g. `check_employer_PH`, and the plain response otherwise.
    """
    values = dict(reply.values)
    name = reply.response
    variant = values.pop("variant", "")
    if variant and f"{name}_{variant}" in messages.names():
        name = f"{name}_{variant}"
    phones: tuple[Phone, ...] = ()
    if reply.referrals is not None:
        values["numbers"], phones = numbers_block(reply.referrals, messages)
    lines = [messages.text(name).format_map(values).strip()]
    lines.extend(messages.text(item).strip() for item in reply.items)
    return RenderedReply("\n".join(lines), tuple(messages.buttons(name)), phones)


def numbers_block(choice: ReferralChoice, messages: Messages) -> tuple[str, tuple[Phone, ...]]:
    """What the directory lacks, then the lines of a referral choice, and their numbers.

    Never empty: without any line, it says that there is no checked number (or asks for
    the place when none is known).
    """
    said: list[str] = [gap_line(gap, messages) for gap in choice.gaps]
    if choice.local_place_unknown:
        said.append(messages.text("numbers_local_place_unknown"))
    lines: list[str] = []
    phones: list[Phone] = []
    for entry in choice.entries:
        line, numbers = referral_line(entry, messages, choice.caller)
        lines.append(line)
        phones.extend(number for number in numbers if number not in phones)
    if said and lines:
        said.append(messages.text("numbers_what_there_is"))
    said.extend(lines)
    if not choice.entries and not choice.place_known:
        said.append(messages.text("numbers_place_unknown"))
    if not said:
        said.append(messages.text("numbers_none"))
    return "\n".join(line.strip() for line in said), tuple(phones)


def gap_line(gap: Gap, messages: Messages) -> str:
    """A gap as a sentence: "I do not have a checked emergency number for Laos yet."."""
    name = f"numbers_missing_{gap.need}" + ("_abroad" if gap.abroad else "")
    if name not in messages.names():
        name = "numbers_missing"
    return messages.text(name).format(place=country_name(gap.place))


def referral_line(
    entry: Referral, messages: Messages, caller: str | None = None
) -> tuple[str, tuple[Phone, ...]]:
    """One directory entry as a line (where it works, who answers, the number, what to know
    about the number) and the numbers in it that the person can call.

    `caller` is where the person is, when known: a number that works only inside another
    country is not made callable for them (dialled abroad, a short code reaches someone
    else), and its line says where it works.
    """
    where = entry.dial_from or entry.located_in or entry.country
    template = "referral_line_embassy" if entry.located_in else "referral_line"
    if entry.phone in entry.organisation:
        template += "_named"  # "Police – hotline 117" already says the number
    notes: list[str] = []
    phones: list[Phone] = []
    if caller is None or entry.reachable_from(caller):
        phones.append(Phone.of(entry.phone))
    if not entry.is_international and entry.dial_from is not None:
        if entry.phone_abroad is not None:
            note = messages.text("number_note_abroad")
            notes.append(note.format(phone_abroad=entry.phone_abroad))
            phones.append(Phone.of(entry.phone_abroad))
        elif caller != entry.dial_from:
            note = messages.text("number_note_inside_only")
            notes.append(note.format(place=country_name(entry.dial_from)))
    if entry.unconfirmed:
        notes.append(messages.text("number_note_unconfirmed"))
    line = messages.text(template).format(
        place=country_name(where, start=True),
        organisation=entry.organisation,
        phone=entry.phone,
        country=country_name(entry.country),
        notes="".join(" " + note.strip() for note in notes),
    )
    return line, tuple(dict.fromkeys(phones))
