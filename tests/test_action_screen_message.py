"""The custom actions with trackers as the action server receives them."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.screening import ActionEraseConversation, ActionScreenMessage
from bot.ops.screen import prediction_line
from bot.screening.messages import screening_messages
from bot.screening.state import ConversationState

messages = screening_messages()


def tracker(parse, slots=None):
    return Tracker(
        sender_id="test",
        slots=slots or {},
        latest_message=parse,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(parse, slots=None):
    dispatcher = CollectingDispatcher()
    events = ActionScreenMessage().run(dispatcher, tracker(parse, slots), {})
    return events, dispatcher.messages


def test_urgent_message_sets_the_slots_and_the_first_reply_is_the_emergency_answer():
    events, sent = run(
        {
            "text": "they beat us, they took my passport",
            "intent": {"name": "describe_situation"},
            "red_flags": [{"name": "documents_confiscated", "score": 0.9}],
            "stage": "in_situ",
            "urgent": True,
            "country": "MM",
        }
    )
    slots = {e["name"]: e["value"] for e in events}
    assert slots["red_flags"] == ["documents_confiscated"]
    assert slots["risk_level"] == "critical"
    assert slots["stage"] == "in_situ" and slots["urgent"] is True and slots["country"] == "MM"
    assert "danger" in sent[0]["text"] and "199" in sent[0]["text"]  # Myanmar police
    # its numbers travel with it as data, for the chat page's tel: links
    phones = sent[0]["custom"]["data"]
    assert phones["lantern_event"] == "phones"
    assert {"text": "199", "tel": "199"} in phones["phones"]
    assert all(phone["text"] in sent[0]["text"] for phone in phones["phones"])
    # a message without a number carries none
    assert all(not message.get("custom") for message in sent[1:])


def test_someone_held_gets_the_safety_question_with_two_buttons_and_it_is_remembered():
    events, sent = run(
        {
            "text": "they took my passport",
            "intent": {"name": "describe_situation"},
            "red_flags": [{"name": "documents_confiscated", "score": 0.9}],
            "stage": "in_situ",
        }
    )
    assert len(sent) == 1 and "safe" in sent[0]["text"]
    assert [b["payload"] for b in sent[0]["buttons"]] == ["/safe_to_talk", "/not_safe_to_talk"]
    assert SlotSet("safety_check", "asked") in events


def test_builds_on_the_slots_already_set_and_asks_one_question():
    earlier = {
        "red_flags": ["no_contract"],
        "stage": "prospective",
        "risk_level": "low",
        "guidance_given": ["prospective"],
        "explained_flags": ["no_contract"],
        "asked_questions": ["where_job"],
    }
    events, sent = run(
        {
            "text": "they want a deposit of 500 usd",
            "intent": {"name": "describe_offer"},
            "red_flags": [{"name": "fees_or_debt", "score": 0.7}],
            "stage": "none",
        },
        earlier,
    )
    assert SlotSet("red_flags", ["no_contract", "fees_or_debt"]) in events
    assert SlotSet("risk_level", "medium") in events
    assert all(e["name"] != "stage" for e in events)  # stage none keeps prospective
    assert sent[0]["text"].splitlines() == [
        messages.text("screen_flags_intro_more"),  # one sign was explained before
        messages.text("screen_flag_fees_or_debt"),
    ]
    assert sent[-1]["text"] == messages.text("ask_home_prospective")
    assert SlotSet("pending_question", "home_prospective") in events


def test_a_greeting_changes_nothing_risky_and_says_nothing_before_the_rule():
    events, sent = run({"intent": {"name": "greet"}, "text": "hi"})
    assert all(e["name"] not in ("red_flags", "urgent") or not e["value"] for e in events)
    assert sent == []


def test_a_tracker_from_an_older_model_without_screening_keys_does_not_break():
    events, sent = run({"intent": {"name": "describe_offer"}, "text": "a job"}, {"stage": 7})
    assert {e["name"]: e["value"] for e in events}.get("risk_level", "none") == "none"
    assert sent  # still an answer


def test_erase_says_goodbye_and_sets_nothing():
    dispatcher = CollectingDispatcher()
    events = ActionEraseConversation().run(dispatcher, tracker({"text": "delete"}), {})
    assert events == []
    assert dispatcher.messages[0]["text"] == messages.text("screen_erased")
    # the marker the chat page clears itself on
    assert dispatcher.messages[0]["custom"] == {"data": {"lantern_event": "conversation_erased"}}


# Parse results as the NLU gives them, built by hand so that no model decides the outcome.
FIRST_MESSAGES = [
    # the model missed the self-harm: the phrase makes it urgent
    {"text": "I want to kill myself", "intent": {"name": "describe_situation"}, "language": "en"},
    # a quick exit is a command, not a description, whatever the model said
    {"text": "STOP!!", "intent": {"name": "stop"}, "urgent": True, "stage": "in_situ"},
    # a scam-compound place in a job offer
    {
        "text": "customer service job in sihanoukville, 2000 usd, they pay the flight",
        "intent": {"name": "describe_offer"},
        "red_flags": [{"name": "lure_job_type", "score": 0.9}],
        "stage": "prospective",
        "country": "KH",
        "high_risk_place": True,
        "language": "en",
    },
    # a scam-compound place in a question about the weather: no flag
    {
        "text": "what is the weather in sihanoukville",
        "intent": {"name": "out_of_scope"},
        "country": "KH",
        "high_risk_place": True,
        "language": "en",
    },
    # the "someone I know" button
    {"text": "/worried_about_someone", "intent": {"name": "worried_about_someone"}},
    # a mother in Davao about her son in KK park, in Tagalog
    {
        "text": "nasa KK park ang anak ko, binubugbog daw sila. nandito ako sa Davao",
        "intent": {"name": "describe_situation"},
        "red_flags": [{"name": "threats_or_violence", "score": 0.8}],
        "stage": "in_situ",
        "urgent": True,
        "about_other": True,
        "country": "MM",
        "writer_country": "PH",
        "others_country": "MM",
        "high_risk_place": True,
        "language": "tl",
    },
    {"text": "hi", "intent": {"name": "greet"}},
]


@pytest.mark.parametrize("parse", FIRST_MESSAGES, ids=lambda p: p["text"][:24])
def test_the_live_bot_acts_on_exactly_the_labels_make_screen_reports(parse):
    events, _ = run(parse)
    slots = {**ConversationState().as_slots(), **{e["name"]: e["value"] for e in events}}
    line = prediction_line("m", parse)
    assert slots["red_flags"] == line["flags"]
    assert (slots["urgent"], slots["stage"], slots["about_other"]) == (
        line["urgent"],
        line["stage"],
        line["about_other"],
    )
    assert (slots["country"], slots["language"]) == (line["country"], line["language"])


def test_the_language_slot_keeps_its_value_through_a_one_word_message():
    events, _ = run(
        {"text": "ok", "intent": {"name": "affirm"}, "language": None},
        {"language": "vi", "stage": "in_situ"},
    )
    assert all(e["name"] != "language" for e in events)
    events, _ = run(
        {
            "text": "họ lấy hộ chiếu của tôi",
            "intent": {"name": "describe_situation"},
            "language": "vi",
        },
        {"language": "en"},
    )
    assert SlotSet("language", "vi") in events
