"""How each message's labels add up to the conversation's slots."""

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
