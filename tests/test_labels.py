"""Reading one message's labels from a parse result, whatever shape it has."""

import pytest

from bot.screening.labels import MessageLabels


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
