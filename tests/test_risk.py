"""The contract's risk-level table, row by row, and the order in which rows are checked."""

import itertools

import pytest

from bot.contract import FLAG_IDS, IN_SITU_REASON, URGENT_REASON, WORKPLACE_FLAGS
from bot.screening.risk import risk_level, risk_reasons

RECRUITMENT = [f for f in FLAG_IDS if f not in WORKPLACE_FLAGS and f != "high_risk_destination"]
WORKPLACE = sorted(WORKPLACE_FLAGS)
STAGES_NOT_IN_SITU = ["prospective", "exited", "none"]


def level(flags, stage="none", urgent=False):
    return risk_level(flags, stage, urgent).value


@pytest.mark.parametrize("stage", ["prospective", "in_situ", "exited", "none"])
def test_urgent_is_critical_whatever_else(stage):
    assert level([], stage, urgent=True) == "critical"
    assert level(["unrealistic_pay"], stage, urgent=True) == "critical"


@pytest.mark.parametrize("flag", WORKPLACE)
def test_in_situ_with_any_workplace_flag_is_critical(flag):
    assert level([flag], "in_situ") == "critical"


@pytest.mark.parametrize("flag", RECRUITMENT + ["high_risk_destination"])
def test_in_situ_with_only_a_recruitment_flag_is_not_critical(flag):
    assert level([flag], "in_situ") == "low"


@pytest.mark.parametrize("flag,stage", itertools.product(WORKPLACE, STAGES_NOT_IN_SITU))
def test_workplace_flag_outside_in_situ_is_high(flag, stage):
    assert level([flag], stage) == "high"


def test_three_distinct_recruitment_flags_are_high():
    for trio in itertools.combinations(RECRUITMENT, 3):
        assert level(list(trio), "prospective") == "high"


@pytest.mark.parametrize("other", RECRUITMENT)
def test_high_risk_destination_with_any_other_flag_is_high(other):
    assert level(["high_risk_destination", other], "prospective") == "high"


def test_two_distinct_flags_are_medium():
    for pair in itertools.combinations(RECRUITMENT, 2):
        assert level(list(pair), "prospective") == "medium"


@pytest.mark.parametrize("flag", RECRUITMENT + ["high_risk_destination"])
def test_one_recruitment_flag_is_low(flag):
    assert level([flag], "prospective") == "low"


@pytest.mark.parametrize("stage", ["prospective", "in_situ", "exited", "none"])
def test_no_flag_and_not_urgent_is_none(stage):
    assert level([], stage) == "none"


def test_a_flag_counts_once():
    assert level(["unrealistic_pay", "unrealistic_pay"], "prospective") == "low"
    assert level(["no_contract", "fees_or_debt", "no_contract", "fees_or_debt"]) == "medium"
    assert level(["high_risk_destination", "high_risk_destination"]) == "low"


def test_rows_are_checked_in_order_critical_before_high_before_medium():
    # Three flags with a workplace flag in situ: critical wins over high.
    assert level(["unrealistic_pay", "no_contract", "wages_withheld"], "in_situ") == "critical"
    # Two flags, one at the workplace: high wins over medium.
    assert level(["unrealistic_pay", "wages_withheld"], "prospective") == "high"
    # Two flags with high_risk_destination: high wins over medium.
    assert level(["high_risk_destination", "no_contract"], "none") == "high"


def test_reasons_name_every_flag_once_in_order_with_urgent_and_in_situ_first():
    reasons = risk_reasons(
        ["wages_withheld", "unrealistic_pay", "wages_withheld"], "in_situ", urgent=True
    )
    assert reasons[0] == URGENT_REASON
    assert reasons[1] == IN_SITU_REASON
    assert len(reasons) == 4
    assert reasons[2].endswith("(wages_withheld)") and reasons[3].endswith("(unrealistic_pay)")


def test_no_reasons_without_flags_or_urgency():
    assert risk_reasons([], "in_situ", urgent=False) == []


def test_in_situ_reason_only_when_it_raised_the_level():
    assert IN_SITU_REASON not in risk_reasons(["no_contract"], "in_situ", urgent=False)
