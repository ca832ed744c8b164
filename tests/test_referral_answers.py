"""What the numbers part of an answer says, for where the person is (issue 11, point 9).

Deterministic: the real directory (data/referrals) and the real responses, no model. The
expectations are derived from the directory, so they hold when its entries change.
"""

from __future__ import annotations

import re

import pytest

from bot.places import country_name
from bot.referrals import Directory, Referral, default_directory, find_referrals
from bot.screening.dialogue import DialogueState, plan_turn
from bot.screening.labels import MessageLabels
from bot.screening.messages import screening_messages
from bot.screening.referral_choice import EMERGENCY, choose_referrals
from bot.screening.render import Phone, numbers_block, referral_line, render
from bot.screening.state import ConversationState

DIRECTORY = default_directory()
MESSAGES = screening_messages()


def places(directory: Directory) -> list[str]:
    """Every place the directory names: countries, embassies' host countries, dial_from."""
    found = {entry.country for entry in directory}
    found |= {entry.located_in for entry in directory if entry.located_in}
    found |= {entry.dial_from for entry in directory if entry.dial_from}
    return sorted(found)


PLACES = places(DIRECTORY)


def block(purpose: str, here: str | None, home: str | None) -> tuple[str, tuple[Phone, ...]]:
    state = ConversationState(country=here, home_country=home)
    return numbers_block(choose_referrals(DIRECTORY, purpose, state), MESSAGES)


def emergency_answer(here: str | None, home: str | None) -> str:
    """The first message of the bot to an urgent message, as the person reads it."""
    plan = plan_turn(
        "describe_situation",
        "please help they are hurting us",
        MessageLabels(urgent=True, stage="in_situ", country=here, home_country=home),
        ConversationState(),
        DialogueState(),
        DIRECTORY,
    )
    assert plan.replies[0].response == "screen_emergency"
    return render(plan.replies[0], MESSAGES).text


def first_entry_line(text: str) -> int:
    lines = text.splitlines()
    return next((i for i, line in enumerate(lines) if line.startswith("- ")), len(lines))


# ------------------------------------------------------------ what is missing, then what there is


@pytest.mark.parametrize("here", PLACES)
def test_an_urgent_message_says_plainly_when_there_is_no_checked_emergency_number(here):
    has_emergency = bool(find_referrals(DIRECTORY, "emergency", here))
    for home in [None, *PLACES]:
        text = emergency_answer(here, home)
        missing = f"I do not have a checked emergency number for {country_name(here)}"
        if has_emergency:
            assert missing not in text
            continue
        assert missing in text, (here, home, text)
        lines = text.splitlines()
        gap_at = next(i for i, line in enumerate(lines) if missing in line)
        assert gap_at < first_entry_line(text), "what is missing comes before what there is"


def test_the_places_the_issue_named_get_the_missing_emergency_number_said():
    """Laos (an embassy line that lists it) and the US (a hotline, no emergency number):
    derived from the directory, not assumed."""
    for here, home in [("LA", "TH"), ("US", None)]:
        if find_referrals(DIRECTORY, "emergency", here):
            continue  # the directory gained an emergency number: nothing to say missing
        text = emergency_answer(here, home)
        assert f"emergency number for {country_name(here)}" in text
        if first_entry_line(text) < len(text.splitlines()):
            assert "What I do have:" in text


@pytest.mark.parametrize("home", [None, *PLACES])
def test_an_urgent_message_with_only_the_home_country_known_is_never_followed_by_nothing(home):
    text = emergency_answer(None, home)
    head, _, rest = text.partition("as soon as you can do it safely:\n")
    assert rest, text
    first = rest.splitlines()[0]
    assert first.strip() and not first.startswith("Do not confront"), text
    assert "I do not know which country you are in" in rest


@pytest.mark.parametrize("here", PLACES)
def test_guidance_after_an_exit_never_denies_a_number_the_directory_has(here):
    """'no checked number for Myanmar' while the directory has 199: a gap line names the
    need it lacks, and the emergency number of the place is given when there is one."""
    text, phones = block("exited", here, None)
    assert f"checked number for {country_name(here)}" not in text
    emergency = find_referrals(DIRECTORY, "emergency", here)
    if emergency:
        assert Phone.of(emergency[0].phone) in phones
    if not find_referrals(DIRECTORY, "trafficking", here):
        assert f"anti-trafficking line in {country_name(here)}" in text


def test_every_gap_line_is_true_of_the_directory():
    for purpose in (EMERGENCY, "self_harm", "prospective", "in_situ", "exited", "about_other"):
        for here in [None, *PLACES]:
            for home in [None, *PLACES]:
                state = ConversationState(country=here, home_country=home)
                for gap in choose_referrals(DIRECTORY, purpose, state).gaps:
                    if gap.abroad:  # nothing of that country for its people where they are
                        assert not [
                            e
                            for e in DIRECTORY
                            if e.country == gap.place
                            and gap.need in e.needs
                            and e.serves == "nationals_abroad"
                            and e.located_in in (None, here)
                        ], (purpose, here, home, gap)
                    else:
                        back_home = gap.place if gap.place == home else None
                        assert not find_referrals(DIRECTORY, gap.need, gap.place, back_home), gap


# ------------------------------------------------------------ numbers that work only at home


DOMESTIC = [entry for entry in DIRECTORY if not entry.is_international]


def abroad_from(entry: Referral) -> str:
    return next(place for place in PLACES if place != entry.dial_from)


@pytest.mark.parametrize("entry", DOMESTIC, ids=[entry.id for entry in DOMESTIC])
def test_a_number_that_works_only_inside_one_country_says_so_or_gives_the_form_from_abroad(entry):
    elsewhere = abroad_from(entry)
    line, phones = referral_line(entry, MESSAGES, caller=elsewhere)
    home = country_name(entry.dial_from)
    if entry.phone_abroad:
        assert f"from abroad: {entry.phone_abroad}" in line
        assert Phone.of(entry.phone_abroad) in phones
    else:
        assert f"works only when called from inside {home}" in line
    # dialled abroad, a short code reaches someone else: not offered as a link there
    assert Phone.of(entry.phone) not in phones

    at_home, phones_at_home = referral_line(entry, MESSAGES, caller=entry.dial_from)
    assert "works only" not in at_home
    assert Phone.of(entry.phone) in phones_at_home

    unknown, phones_unknown = referral_line(entry, MESSAGES, caller=None)
    assert ("from abroad:" in unknown) or (f"from inside {home}" in unknown)
    assert Phone.of(entry.phone) in phones_unknown


def test_the_hong_kong_and_philippine_home_lines_the_issue_named_are_marked():
    """1868 comes with its from-abroad form; 1348 and 8834-4996 say where they work."""
    by_phone = {entry.phone: entry for entry in DOMESTIC}
    for phone in ("1868", "1348", "8834-4996"):
        if phone not in by_phone:
            continue  # no longer in the directory
        entry = by_phone[phone]
        line, _ = referral_line(entry, MESSAGES, caller="KH")
        assert "from abroad:" in line or "works only when called from inside" in line, line


def test_a_number_someone_abroad_can_dial_is_never_hidden_behind_the_home_form():
    for entry in DIRECTORY:
        if entry.is_international:
            line, phones = referral_line(entry, MESSAGES, caller="KH")
            assert entry.phone in line and Phone.of(entry.phone) in phones
            assert "works only" not in line


# ------------------------------------------------------------ sources that disagree


def test_a_number_whose_sources_disagree_is_shown_with_a_caveat():
    unconfirmed = [entry for entry in DIRECTORY if entry.unconfirmed]
    assert unconfirmed, "the directory marks the lines its sources disagree on"
    for entry in unconfirmed:
        line, _ = referral_line(entry, MESSAGES, caller=entry.located_in)
        assert "could not confirm" in line, line
    for entry in DIRECTORY:
        if not entry.unconfirmed:
            assert "could not confirm" not in referral_line(entry, MESSAGES)[0]


def test_the_philippine_embassy_lines_in_yangon_carry_the_caveat():
    yangon = [e for e in DIRECTORY if e.country == "PH" and e.located_in == "MM"]
    sources = {e.source_url for e in yangon}
    if len(sources) < 2:
        pytest.skip("the directory no longer holds lines from disagreeing sources")
    text, _ = block("in_situ", "MM", "PH")
    for entry in yangon:
        if entry.phone in text:
            line = next(line for line in text.splitlines() if entry.phone in line)
            assert "could not confirm" in line


# ------------------------------------------------------------ names people know


def test_country_names_are_the_names_people_know():
    assert country_name("US") == "the United States"
    assert country_name("GB") == "the United Kingdom"
    assert country_name("US", start=True) == "The United States"
    for code in PLACES:
        name = country_name(code)
        assert name != code and name not in ("Usa", "Uk", "Lao Pdr"), code


def test_no_answer_prints_an_abbreviation_for_a_country():
    for here in PLACES:
        for purpose in (EMERGENCY, "in_situ", "exited"):
            text, _ = block(purpose, here, "US")
            assert not re.search(r"\b(Usa|Uk)\b", text), text


# ------------------------------------------------------------ numbers as data


@pytest.mark.parametrize("entry", list(DIRECTORY), ids=[entry.id for entry in DIRECTORY])
def test_every_number_shown_is_sent_as_data_and_nothing_else_is(entry):
    for caller in (None, entry.dial_from or entry.located_in or entry.country, "KH"):
        line, phones = referral_line(entry, MESSAGES, caller=caller)
        for phone in phones:
            assert phone.text in line
            assert phone.tel == ("+" if phone.text.startswith("+") else "") + re.sub(
                r"\D", "", phone.text
            )
            assert phone.text in (entry.phone, entry.phone_abroad)


def test_digits_inside_an_organisations_name_are_not_a_number():
    """China's consular call centre is named "... (12308)"; only its number is a number."""
    for entry in DIRECTORY:
        digits_in_name = re.findall(r"\d{3,}", entry.organisation)
        line, phones = referral_line(entry, MESSAGES)
        for digits in digits_in_name:
            if digits != re.sub(r"\D", "", entry.phone):
                assert all(phone.text != digits for phone in phones), (entry.id, digits)


def test_the_rendered_reply_carries_the_numbers_of_its_text():
    plan = plan_turn(
        "describe_situation",
        "help",
        MessageLabels(urgent=True, stage="in_situ", country="KH", home_country="CN"),
        ConversationState(),
        DialogueState(),
        DIRECTORY,
    )
    rendered = render(plan.replies[0], MESSAGES)
    assert rendered.phones
    assert all(phone.text in rendered.text for phone in rendered.phones)
