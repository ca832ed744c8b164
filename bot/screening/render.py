"""Turn a planned reply into the text and buttons the person sees.

Placeholders in a response's text are filled from the reply's values, plus `{numbers}`: the
chosen directory entries, one line each, followed by a plain note when the directory has
nothing for a place. Numbers come only from the directory, exactly as stored there.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.places import country_name
from bot.referrals import Referral
from bot.screening.dialogue import Reply
from bot.screening.messages import Messages
from bot.screening.referral_choice import ReferralChoice


@dataclass(frozen=True)
class RenderedReply:
    """One message of the bot: text and buttons."""

    text: str
    buttons: tuple[dict[str, str], ...] = ()


def render(reply: Reply, messages: Messages) -> RenderedReply:
    """The text and buttons of a reply.

    A reply with a `variant` value (a country code) uses `<response>_<variant>` when the
    responses have one, e.g. `check_employer_PH`, and the plain response otherwise.
    """
    values = dict(reply.values)
    name = reply.response
    variant = values.pop("variant", "")
    if variant and f"{name}_{variant}" in messages.names():
        name = f"{name}_{variant}"
    if reply.referrals is not None:
        values["numbers"] = numbers_block(reply.referrals, messages)
    lines = [messages.text(name).format_map(values).strip()]
    lines.extend(messages.text(item).strip() for item in reply.items)
    return RenderedReply("\n".join(lines), tuple(messages.buttons(name)))


def numbers_block(choice: ReferralChoice, messages: Messages) -> str:
    """The lines of a referral choice, and what the directory lacks."""
    lines = [referral_line(entry, messages) for entry in choice.entries]
    if choice.missing:
        places = ", ".join(country_name(code) for code in choice.missing)
        lines.append(messages.text("numbers_missing").format(places=places))
    if not choice.place_known:
        lines.append(messages.text("numbers_place_unknown"))
    return "\n".join(line.strip() for line in lines)


def referral_line(entry: Referral, messages: Messages) -> str:
    """One directory entry as a line: where it works, who answers, the number."""
    where = country_name(entry.dial_from or entry.located_in or entry.country)
    template = "referral_line_embassy" if entry.located_in else "referral_line"
    if entry.phone in entry.organisation:
        template += "_named"  # "Police – hotline 117" already says the number
    return messages.text(template).format(
        place=where,
        organisation=entry.organisation,
        phone=entry.phone,
        country=country_name(entry.country),
    )
