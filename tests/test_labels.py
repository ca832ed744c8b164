"""One message's labels: read from a parse result, whatever its shape, and the rules the bot
applies to them (`label_message`, shared by the live bot, `make screen` and `make eval`)."""

import pytest

from bot.screening.labels import MessageLabels, label_message
from bot.screening.state import ConversationState


def test_reads_every_key_of_a_parse_result():
    labels = MessageLabels.from_parse(
        {
            "red_flags": [
                {"name": "no_contract", "score": 0.9},
                {"name": "fees_or_debt", "score": 0.7},
            ],
            "urgent": True,
            "stage": "prospective",
            "about_other": True,
            "country": "KH",
            "home_country": "PH",
        }
    )
    assert labels.flags == ("no_contract", "fees_or_debt")
    assert labels.flag_scores == {"no_contract": 0.9, "fees_or_debt": 0.7}
    assert (labels.urgent, labels.stage, labels.about_other) == (True, "prospective", True)
    assert (labels.country, labels.home_country) == ("KH", "PH")


@pytest.mark.parametrize(
    "parse",
    [
        {},
        {"red_flags": None, "stage": None},
        {"red_flags": [{"name": "not_a_flag"}], "stage": "elsewhere", "urgent": "true"},
        {"country": "Cambodia", "home_country": "ph"},
    ],
)
def test_missing_or_malformed_keys_mean_nothing_detected(parse):
    labels = MessageLabels.from_parse(parse)
    assert labels.flags == () and labels.urgent is False and labels.stage == "none"
    assert labels.country is None and labels.home_country is None


def test_unknown_ids_are_rejected_when_built_directly():
    with pytest.raises(ValueError):
        MessageLabels(flags=("made_up",))
    with pytest.raises(ValueError):
        MessageLabels(stage="later")


def test_reads_the_language_and_the_writers_place():
    labels = MessageLabels.from_parse(
        {"language": "vi", "writer_country": "PH", "others_country": "KH"}
    )
    assert (labels.language, labels.writer_country, labels.others_country) == ("vi", "PH", "KH")
    assert MessageLabels.from_parse({"language": "Vietnamese"}).language is None
    assert MessageLabels.from_parse({"language": None}).language is None


def test_a_language_the_person_picked_wins_over_the_detected_one():
    parse = {"language": "en", "entities": [{"entity": "language", "value": "km"}]}
    assert MessageLabels.from_parse(parse).language == "km"


def parse(text, intent="describe_situation", **model):
    return {"text": text, "intent": {"name": intent}, **model}


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself",
        "i cant take it anymore, i want to die",
        "sometimes I feel like ending it all",
    ],
)
def test_self_harm_phrases_make_a_message_urgent_whatever_the_model_said(text):
    assert label_message(parse(text, urgent=False)).urgent is True


def test_a_quick_exit_message_carries_no_label():
    labels = label_message(
        parse("STOP!!", urgent=True, stage="in_situ", red_flags=["movement_restricted"])
    )
    assert labels == MessageLabels()
    # inside a sentence the word is no quick exit: the model's labels stay
    kept = label_message(parse("they stop us from leaving", red_flags=["movement_restricted"]))
    assert kept.flags == ("movement_restricted",)


def test_the_someone_i_know_button_is_about_someone_else():
    assert label_message(parse("/worried_about_someone", "worried_about_someone")).about_other


def test_a_scam_compound_place_in_a_trafficking_context_is_a_high_risk_destination():
    place = dict(country="KH", high_risk_place=True)
    offer = label_message(parse("job in sihanoukville", stage="prospective", **place))
    assert offer.flags == ("high_risk_destination",)
    family = label_message(parse("my son is in sihanoukville", about_other=True, **place))
    assert family.flags == ("high_risk_destination",)
    weather = label_message(parse("what is the weather in sihanoukville", **place))
    assert weather.flags == ()
    # a one-word answer in a conversation about a job
    job_talk = ConversationState(stage="prospective")
    answer = label_message(parse("sihanoukville", None, **place), job_talk)
    assert answer.flags == ("high_risk_destination",)
