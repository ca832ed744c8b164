"""How each message's labels add up to the conversation's slots."""

from dataclasses import replace

import pytest

from bot.screening.labels import MessageLabels
from bot.screening.state import ConversationState, new_flags, update_state


def run(*messages: MessageLabels) -> ConversationState:
    state = ConversationState()
    for labels in messages:
        state = update_state(state, labels)
    return state


def test_flags_keep_first_seen_order_and_appear_once():
    state = run(
        MessageLabels(flags=("no_contract", "unrealistic_pay")),
        MessageLabels(flags=("unrealistic_pay", "fees_or_debt")),
    )
    assert state.red_flags == ("no_contract", "unrealistic_pay", "fees_or_debt")


def test_stage_is_the_latest_stated_and_none_does_not_reset_it():
    state = run(
        MessageLabels(stage="prospective"),
        MessageLabels(stage="in_situ"),
        MessageLabels(stage="none"),
    )
    assert state.stage == "in_situ"


def test_urgent_and_about_other_stay_true_once_seen():
    state = run(MessageLabels(urgent=True, about_other=True), MessageLabels())
    assert state.urgent is True and state.about_other is True


def test_latest_named_place_replaces_the_old_one_and_silence_keeps_it():
    state = run(
        MessageLabels(country="TH", home_country="PH"),
        MessageLabels(country="MM"),
        MessageLabels(),
    )
    assert (state.country, state.home_country) == ("MM", "PH")


def test_slots_carry_level_and_reasons_by_the_rules():
    state = run(MessageLabels(flags=("documents_confiscated",), stage="in_situ"))
    slots = state.as_slots()
    assert slots["risk_level"] == "critical"
    assert slots["red_flags"] == ["documents_confiscated"]
    assert len(slots["risk_reasons"]) == 2


def test_round_trip_through_slots_and_malformed_slots_are_ignored():
    state = run(MessageLabels(flags=("no_contract",), stage="exited", country="KH"))
    assert ConversationState.from_slots(state.as_slots()) == state
    broken = ConversationState.from_slots(
        {"red_flags": "oops", "stage": "nowhere", "urgent": "yes", "country": 5}
    )
    assert broken.red_flags == ()
    assert broken.stage == "none" and broken.urgent is False and broken.country is None


def test_new_flags_are_those_the_latest_message_added():
    before = run(MessageLabels(flags=("no_contract",)))
    after = update_state(before, MessageLabels(flags=("no_contract", "fees_or_debt")))
    assert new_flags(before, after) == ("fees_or_debt",)


@pytest.mark.parametrize("held_or_out", ["in_situ", "exited"])
def test_a_prospective_message_never_takes_the_conversation_out_of_held_or_out(held_or_out):
    # "i came here from nepal for a typing job, they promised 800 dollars"
    state = run(MessageLabels(stage=held_or_out), MessageLabels(stage="prospective"))
    assert state.stage == held_or_out


def test_other_stages_still_follow_the_latest_message():
    assert run(MessageLabels(stage="prospective")).stage == "prospective"
    assert run(MessageLabels(stage="prospective"), MessageLabels(stage="in_situ")).stage == (
        "in_situ"
    )
    assert run(MessageLabels(stage="in_situ"), MessageLabels(stage="exited")).stage == "exited"
    assert run(MessageLabels(stage="exited"), MessageLabels(stage="in_situ")).stage == "in_situ"


# A mother writes about her daughter in Sihanoukville, then "I'm in Davao".
DAUGHTER_HELD = MessageLabels(stage="in_situ", about_other=True, country="KH")
WRITER_IN_DAVAO = MessageLabels(country="PH", writer_country="PH")


def test_a_family_members_own_place_fills_home_country_and_leaves_country():
    state = run(DAUGHTER_HELD, WRITER_IN_DAVAO)
    assert (state.country, state.home_country) == ("KH", "PH")


def test_the_writers_place_does_not_replace_a_known_home_country():
    state = run(replace(DAUGHTER_HELD, home_country="VN"), WRITER_IN_DAVAO)
    assert (state.country, state.home_country) == ("KH", "VN")


def test_the_writers_place_is_no_country_when_the_other_persons_place_is_unknown():
    state = run(MessageLabels(about_other=True, stage="in_situ"), WRITER_IN_DAVAO)
    assert (state.country, state.home_country) == (None, "PH")


def test_the_other_persons_place_in_the_same_message_still_counts():
    # "my daughter is in Sihanoukville, I'm in Davao"
    labels = MessageLabels(about_other=True, country="KH", writer_country="PH", others_country="KH")
    state = run(labels)
    assert (state.country, state.home_country) == ("KH", "PH")


def test_writing_about_themselves_the_writers_place_is_where_they_are():
    state = run(MessageLabels(stage="in_situ", country="KH"), WRITER_IN_DAVAO)
    assert (state.country, state.home_country) == ("PH", None)


def test_language_is_the_latest_message_long_enough_to_tell():
    state = run(MessageLabels(language="vi"), MessageLabels(language=None))
    assert state.language == "vi"  # "ok" does not switch it
    assert run(MessageLabels(language="vi"), MessageLabels(language="en")).language == "en"
    assert ConversationState.from_slots(state.as_slots()).language == "vi"
    assert ConversationState.from_slots({"language": 3}).language is None
