"""action_screen_message with trackers as the action server receives them."""

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.screening import ActionScreenMessage
from bot.screening.messages import screening_messages

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
    texts = {messages.text(name): name for name in messages.names()}
    return events, [texts[m["text"]] for m in dispatcher.messages]


def test_sets_every_changed_slot_and_explains_new_flags():
    events, responses = run(
        {
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
    assert responses[0] == "screen_urgent_safety"
    assert "screen_flag_documents_confiscated" in responses


def test_builds_on_the_slots_already_set():
    earlier = {"red_flags": ["no_contract"], "stage": "prospective", "risk_level": "low"}
    events, responses = run(
        {
            "intent": {"name": "describe_offer"},
            "red_flags": [
                {"name": "no_contract", "score": 0.8},
                {"name": "fees_or_debt", "score": 0.7},
            ],
            "stage": "none",
        },
        earlier,
    )
    assert SlotSet("red_flags", ["no_contract", "fees_or_debt"]) in events
    assert SlotSet("risk_level", "medium") in events
    assert all(e["name"] != "stage" for e in events)  # stage none keeps prospective
    assert responses == ["screen_flags_intro", "screen_flag_fees_or_debt", "screen_flags_outro"]


def test_a_message_without_labels_changes_nothing_risky():
    events, responses = run({"intent": {"name": "greet"}, "text": "hi"})
    assert all(e["name"] not in ("red_flags", "urgent") or not e["value"] for e in events)
    assert responses == []
