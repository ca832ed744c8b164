"""Which answer for which state: bot/screening/dialogue.py, without a model or a server."""

from __future__ import annotations

from dataclasses import replace

import pytest
import yaml

from bot.contract import FLAG_IDS
from bot.referrals import default_directory
from bot.screening.dialogue import DialogueState, plan_turn
from bot.screening.labels import MessageLabels
from bot.screening.messages import screening_messages
from bot.screening.questions import QUESTIONS
from bot.screening.render import render
from bot.screening.state import ConversationState
from bot.settings import PROJECT_ROOT

DIRECTORY = default_directory()
MESSAGES = screening_messages()


class Chat:
    """A conversation driven turn by turn through plan_turn, as the action does."""

    def __init__(self) -> None:
        self.conversation = ConversationState()
        self.dialogue = DialogueState()
        self.history: list[list[str]] = []

    def say(self, intent: str | None, text: str = "", **labels) -> list[str]:
        plan = plan_turn(
            intent,
            text,
            MessageLabels(**labels),
            self.conversation,
            self.dialogue,
            DIRECTORY,
        )
        self.conversation, self.dialogue = plan.conversation, plan.dialogue
        self.last_plan = plan
        self.history.append(plan.response_names)
        return plan.response_names

    def texts(self) -> list[str]:
        return [render(reply, MESSAGES).text for reply in self.last_plan.replies]


HELD = dict(stage="in_situ", flags=("documents_confiscated", "movement_restricted"))


def test_urgent_danger_gets_the_emergency_answer_first_with_the_local_number():
    chat = Chat()
    names = chat.say(
        "describe_situation",
        "they are beating us now, help",
        urgent=True,
        stage="in_situ",
        country="KH",
        flags=("threats_or_violence",),
    )
    assert names[0] == "screen_emergency"
    assert "screen_safety_question" not in names  # no question before the emergency answer
    emergency = chat.texts()[0]
    assert "117" in emergency  # Cambodian National Police, from data/referrals/KH.yml
    assert names[1] == "screen_grounding"


def test_urgent_danger_in_an_unknown_place_asks_where_and_invents_no_number():
    chat = Chat()
    names = chat.say("describe_situation", "help me they will hurt me", urgent=True)
    assert names[0] == "screen_emergency"
    assert names[-1] == "screen_ask_country_for_numbers"
    assert not any(ch.isdigit() for ch in chat.texts()[0])


def test_a_country_without_entries_is_named_as_missing_instead_of_inventing():
    chat = Chat()
    chat.say("describe_situation", "they hit me, i am in laos", urgent=True, country="LA")
    text = chat.texts()[0]
    assert "I do not have a checked emergency number for Laos" in text
    assert not any(ch.isdigit() for ch in text)


def test_self_harm_gets_a_crisis_answer_even_when_the_model_missed_urgency():
    chat = Chat()
    names = chat.say(
        "describe_situation", "i want to kill myself, i cant take it anymore", country="TH"
    )
    assert names[0] == "screen_self_harm_no_crisis_line"  # the directory has no crisis line yet
    assert "191" in chat.texts()[0] or "1669" in chat.texts()[0]
    assert chat.conversation.urgent and chat.conversation.risk_level == "critical"


def test_someone_held_is_asked_whether_it_is_safe_to_talk_before_anything_else():
    chat = Chat()
    names = chat.say("describe_situation", "they took my passport, we cant go out", **HELD)
    assert names == ["screen_safety_question"]
    rendered = render(chat.last_plan.replies[0], MESSAGES)
    assert {b["payload"] for b in rendered.buttons} == {"/safe_to_talk", "/not_safe_to_talk"}
    assert chat.conversation.risk_level == "critical"  # the slots are updated all the same


def test_not_safe_gets_one_short_line_with_a_hotline_and_then_nothing_more():
    chat = Chat()
    chat.say("describe_situation", "they took my passport", **HELD, country="KH")
    names = chat.say("not_safe_to_talk", "/not_safe_to_talk")
    assert names == ["screen_not_safe_now"]
    text = chat.texts()[0]
    assert "117" in text and "hello" in text
    assert chat.dialogue.pending_question is None


def test_safe_to_talk_gives_the_warning_signs_the_guidance_and_one_question():
    chat = Chat()
    chat.say("describe_situation", "they took my passport", **HELD)
    names = chat.say("safe_to_talk", "/safe_to_talk")
    assert names[:3] == [
        "screen_flags_intro",
        "screen_flag_documents_confiscated",
        "screen_flag_movement_restricted",
    ]
    assert "guide_in_situ" in names
    questions = [n for n in names if n.startswith("ask_")]
    assert questions == ["ask_where_now"]  # can_leave and documents are already known


def test_coming_back_after_not_safe_asks_again():
    chat = Chat()
    chat.say("describe_situation", "they took my passport", **HELD)
    chat.say("deny", "no")
    assert chat.say("describe_situation", "i am back", stage="in_situ") == [
        "screen_safety_question"
    ]


def test_a_family_member_is_not_asked_the_safety_question_and_gets_family_guidance():
    chat = Chat()
    chat.say("worried_about_someone", "/worried_about_someone")
    assert chat.conversation.about_other
    names = chat.say(
        "describe_situation",
        "my daughter is in a compound in myawaddy, they took her phone",
        stage="in_situ",
        about_other=True,
        country="MM",
        flags=("phone_confiscated", "high_risk_destination"),
    )
    assert "screen_safety_question" not in names
    assert "guide_about_other" in names
    assert names[-1].startswith("ask_")


def test_the_victim_line_is_said_plainly_to_someone_forced_to_scam():
    chat = Chat()
    chat.say("describe_situation", "", stage="in_situ", flags=("forced_scamming",))
    chat.say("safe_to_talk", "")
    assert "victim" in " ".join(chat.texts()).lower()
    assert "not a criminal" in " ".join(chat.texts()).lower()


def test_someone_who_escaped_hears_about_non_punishment_and_legal_advice():
    chat = Chat()
    chat.say(
        "describe_exit",
        "i escaped, now in mae sot, scared of arrest",
        stage="exited",
        country="TH",
        home_country="PH",
    )
    text = " ".join(chat.texts()).lower()
    assert "not a criminal" in text and "punished" in text and "lawyer" in text
    assert "+63" in text or "1343" in text or "embassy" in text


def test_a_jobseeker_gets_signs_guidance_checks_of_the_origin_and_questions_one_at_a_time():
    chat = Chat()
    names = chat.say(
        "describe_offer",
        "fb job customer service, 2000 usd no experience",
        stage="prospective",
        home_country="PH",
        flags=("lure_job_type", "unrealistic_pay", "informal_recruitment"),
    )
    assert names[0] == "screen_flags_intro"
    assert "guide_prospective" in names and "check_employer" in names
    assert "DMW" in " ".join(chat.texts())  # the Philippines' licence check, from the research
    assert names[-1] == "ask_where_job"
    assert chat.dialogue.pending_question == "where_job"
    assert "passport" in " ".join(chat.texts()).lower()


def test_a_yes_or_no_answer_gives_the_flag_the_question_asked_about():
    chat = Chat()
    chat.say(
        "describe_offer",
        "",
        stage="prospective",
        flags=("lure_job_type",),
        country="KH",
        home_country="VN",
    )
    assert chat.dialogue.pending_question == "travel_paid"
    chat.say("affirm", "yes")
    assert "employer_paid_travel" in chat.conversation.red_flags
    assert chat.dialogue.pending_question == "contract"
    chat.say("deny", "no")
    assert "no_contract" in chat.conversation.red_flags
    chat.say("skip", "/skip")
    assert "informal_recruitment" not in chat.conversation.red_flags


def test_a_one_word_place_answer_names_a_high_risk_destination():
    chat = Chat()
    chat.say("describe_offer", "", stage="prospective", flags=("lure_job_type",))
    assert chat.dialogue.pending_question == "where_job"
    chat.say(None, "sihanoukville", country="KH", high_risk_place=True)
    assert chat.conversation.country == "KH"
    assert "high_risk_destination" in chat.conversation.red_flags
    assert chat.conversation.risk_level == "high"


def test_a_high_risk_place_without_a_trafficking_context_is_no_flag():
    chat = Chat()
    chat.say(
        "out_of_scope", "what is the weather in sihanoukville", high_risk_place=True, country="KH"
    )
    assert chat.conversation.red_flags == ()


def test_no_question_is_ever_asked_twice_and_twenty_turns_never_loop():
    chat = Chat()
    chat.say("describe_offer", "", stage="prospective", flags=("lure_job_type",))
    for _ in range(19):
        chat.say("skip", "skip")
    asked = [name for turn in chat.history for name in turn if name.startswith("ask_")]
    assert len(asked) == len(set(asked))
    late = [tuple(turn) for turn in chat.history[-10:]]
    assert all(turn for turn in late)  # the bot always answers something
    assert len(set(late)) <= 2  # and settles into a short acknowledgement, not a question loop
    assert not any(name.startswith("ask_") for turn in late for name in turn)


def test_a_question_stays_open_until_answered_and_a_late_no_still_counts():
    chat = Chat()
    chat.say("describe_exit", "", stage="exited", country="TH", home_country="ID")
    assert chat.dialogue.pending_question == "documents_exited"
    chat.say("describe_exit", "i am in a shelter now")  # not an answer
    assert chat.dialogue.pending_question == "documents_exited"
    chat.say("deny", "no")
    assert "documents_confiscated" in chat.conversation.red_flags


def test_a_place_answers_the_where_question_and_the_next_one_follows():
    chat = Chat()
    chat.say("describe_offer", "", stage="prospective", flags=("lure_job_type",))
    assert chat.dialogue.pending_question == "where_job"
    names = chat.say("inform_place", "bavet", country="KH", high_risk_place=True)
    assert names[-1] == "ask_home_prospective"
    names = chat.say("inform_place", "i am from nepal", home_country="NP")
    assert names[-1] == "ask_travel_paid"
    assert (chat.conversation.country, chat.conversation.home_country) == ("KH", "NP")


def test_a_place_learnt_after_the_guidance_brings_its_numbers():
    chat = Chat()
    chat.say("describe_exit", "", stage="exited", country="TH")
    names = chat.say("out_of_scope", "i am from indonesia", home_country="ID")
    assert "screen_numbers_for_place" in names  # out of scope words, but in context
    assert "screen_out_of_scope" not in names
    assert "Indonesia" in " ".join(chat.texts())


def test_a_second_urgent_message_gets_the_short_emergency_answer():
    chat = Chat()
    chat.say("describe_situation", "", urgent=True, country="KH", stage="in_situ")
    names = chat.say("describe_situation", "someone is coming", urgent=True)
    assert names == ["screen_emergency_again"]
    assert "117" in chat.texts()[0]


def test_forced_scamming_and_exit_guidance_say_victim_once():
    chat = Chat()
    chat.say("describe_exit", "", stage="exited", flags=("forced_scamming",), country="TH")
    assert " ".join(chat.texts()).lower().count("not a criminal") == 1


def test_after_the_questions_a_quiet_conversation_gets_the_hotline_not_the_same_prompt():
    chat = Chat()
    chat.say("describe_offer", "", stage="prospective", country="KH", flags=("lure_job_type",))
    chat.dialogue = replace(chat.dialogue, asked=tuple(q.id for q in QUESTIONS))
    first = chat.say("describe_offer", "ok", stage="prospective")
    second = chat.say("describe_offer", "hmm", stage="prospective")
    assert first == ["screen_no_new_flags"]
    assert second == ["screen_still_listening"]
    assert "117" in chat.texts()[0]


@pytest.mark.parametrize("text", ["stop", "STOP!!", "exit", "delete this"])
def test_quick_exit_words_end_the_turn_with_nothing_from_the_action(text):
    chat = Chat()
    chat.say("describe_situation", "", **HELD)
    assert chat.say("describe_situation", text) == []
    assert chat.dialogue.pending_question is None


def test_low_confidence_asks_to_rephrase_and_keeps_what_was_said():
    chat = Chat()
    names = chat.say(
        "nlu_fallback", "mmm job cambodia??", stage="prospective", flags=("high_risk_destination",)
    )
    assert "high_risk_destination" in chat.conversation.red_flags
    assert names[0] == "screen_flags_intro"
    chat2 = Chat()
    assert chat2.say("nlu_fallback", "asdf qwer") == ["screen_please_rephrase"]


def test_greeting_and_thanks_leave_the_answer_to_the_rule():
    chat = Chat()
    assert chat.say("greet", "hi") == []
    assert chat.say("thank", "thanks") == []


def test_dialogue_state_survives_a_round_trip_through_slots_and_ignores_junk():
    state = DialogueState(
        "asked", "contract", ("where_job",), ("prospective",), ("no_contract",), 2
    )
    assert DialogueState.from_slots(state.as_slots()) == state
    junk = {
        "safety_check": "maybe",
        "pending_question": "nope",
        "asked_questions": "x",
        "quiet_turns": -4,
    }
    assert DialogueState.from_slots(junk) == DialogueState()


def test_every_response_the_planner_can_choose_exists_and_renders():
    names = MESSAGES.names()
    for flag in FLAG_IDS:
        assert f"screen_flag_{flag}" in names
    for question in QUESTIONS:
        assert question.response in names
        assert render_ok(question.response)
    for topic in ("prospective", "in_situ", "exited", "about_other"):
        assert f"guide_{topic}" in names


def render_ok(name: str) -> bool:
    from bot.screening.dialogue import Reply

    return bool(render(Reply(name), MESSAGES).text)


def test_asking_unprompted_whether_it_is_safe_gets_the_not_safe_answer():
    """ "is this safe? they check our phones here" (the model's not_safe_to_talk, no question
    asked) got an empty reply; it gets the short not-safe line with a number."""
    chat = Chat()
    names = chat.say("not_safe_to_talk", "is this safe? they check our phones here", country="KH")
    assert names == ["screen_not_safe_now"]
    assert "Close this chat" in chat.texts()[0] and "117" in chat.texts()[0]


DOMAIN_INTENTS = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))[
    "intents"
]
RULE_ANSWERS = {  # the intents a rule answers after the action (data/rules.yml)
    rule["steps"][0]["intent"]
    for rule in yaml.safe_load((PROJECT_ROOT / "data" / "rules.yml").read_text())["rules"]
    if any(str(step.get("action", "")).startswith("utter_") for step in rule["steps"])
}


@pytest.mark.parametrize("intent", [*DOMAIN_INTENTS, None])
@pytest.mark.parametrize("situation", ["first", "safety asked", "question pending", "quiet"])
def test_no_message_is_met_with_silence(intent, situation):
    """Whatever the intent and the state, the action or the rule after it says something
    (quick exit included: its rule says goodbye)."""
    chat = Chat()
    if situation == "safety asked":
        chat.say("describe_situation", "", **HELD)
    elif situation == "question pending":
        chat.say("describe_offer", "", stage="prospective", flags=("lure_job_type",))
    elif situation == "quiet":
        chat.dialogue = replace(chat.dialogue, quiet_turns=5, asked=tuple(q.id for q in QUESTIONS))
    names = chat.say(intent, "some words")
    if intent in RULE_ANSWERS or intent in ("stop", "erase_conversation"):
        return  # the rule's response follows (utter_...), or the erasure says goodbye
    assert names, (intent, situation)
    assert all(text.strip() for text in chat.texts())


def test_not_safe_without_a_known_place_asks_nothing_and_names_no_number():
    chat = Chat()
    names = chat.say("not_safe_to_talk", "they check our phones here")
    assert names == ["screen_not_safe_now_no_number"]
    assert "?" not in chat.texts()[0] and not any(ch.isdigit() for ch in chat.texts()[0])
