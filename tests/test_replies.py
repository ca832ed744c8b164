"""Which responses answer a message, and that each exists in the domain."""

from pathlib import Path

import pytest
import yaml

from bot.contract import FLAG_IDS
from bot.screening.labels import MessageLabels
from bot.screening.messages import screening_messages
from bot.screening.replies import choose_replies
from bot.screening.state import ConversationState, update_state

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[1] / "domain.yml").read_text())
MESSAGES = screening_messages()


def replies(intent, labels, before=None):
    before = before or ConversationState()
    return choose_replies(intent, labels, before, update_state(before, labels))


def test_urgent_message_gets_the_safety_message_first():
    chosen = replies(
        "describe_situation", MessageLabels(flags=("threats_or_violence",), urgent=True)
    )
    assert chosen[0] == "screen_urgent_safety"
    assert "screen_flag_threats_or_violence" in chosen


def test_every_new_flag_is_explained_once_in_order_seen():
    before = update_state(ConversationState(), MessageLabels(flags=("no_contract",)))
    chosen = replies(
        "describe_offer",
        MessageLabels(flags=("no_contract", "fees_or_debt", "unrealistic_pay")),
        before,
    )
    assert chosen == [
        "screen_flags_intro",
        "screen_flag_fees_or_debt",
        "screen_flag_unrealistic_pay",
        "screen_flags_outro",
    ]


def test_forced_scamming_says_victim_not_criminal():
    chosen = replies(
        "describe_situation", MessageLabels(flags=("forced_scamming",), stage="in_situ")
    )
    assert "screen_victim_not_criminal" in chosen


@pytest.mark.parametrize(
    "intent,expected",
    [
        ("describe_offer", ["screen_no_new_flags"]),
        ("out_of_scope", ["screen_out_of_scope"]),
        ("nlu_fallback", ["screen_please_rephrase"]),
        ("greet", []),
        ("stop", []),
    ],
)
def test_without_flags_the_intent_decides(intent, expected):
    assert replies(intent, MessageLabels()) == expected


def test_every_response_the_rules_can_choose_exists_and_every_one_is_used():
    names = {
        "screen_urgent_safety",
        "screen_flags_intro",
        "screen_flags_outro",
        "screen_no_new_flags",
        "screen_out_of_scope",
        "screen_please_rephrase",
        "screen_victim_not_criminal",
    }
    names |= {f"screen_flag_{flag}" for flag in FLAG_IDS}
    assert names == MESSAGES.names()


def test_responses_say_what_the_bot_is():
    greet = DOMAIN["responses"]["utter_greet"][0]["text"].lower()
    assert "confidential" in greet and "anonymous" in greet and "not the police" in greet
