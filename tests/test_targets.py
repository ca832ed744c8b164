"""Training targets come from example metadata, with the intent block's stage as default."""

import pytest

from bot.nlu.targets import ScreeningTargets, targets_from_metadata


def test_example_keys_win_over_the_intent_default():
    targets = targets_from_metadata(
        {
            "intent": {"stage": "prospective"},
            "example": {
                "flags": ["no_contract", "no_contract"],
                "stage": "in_situ",
                "urgent": True,
            },
        }
    )
    assert targets == ScreeningTargets(flags=("no_contract",), urgent=True, stage="in_situ")


def test_defaults_without_metadata():
    assert targets_from_metadata(None) == ScreeningTargets()
    assert targets_from_metadata({"intent": {"stage": "exited"}}).stage == "exited"


@pytest.mark.parametrize(
    "metadata",
    [{"example": {"flags": ["typo_flag"]}}, {"example": {"stage": "later"}}],
)
def test_typos_in_the_data_fail_loudly(metadata):
    with pytest.raises(ValueError):
        targets_from_metadata(metadata)
