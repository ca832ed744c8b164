"""`make eval`'s comparison with the baseline, on fixed inputs (no model involved)."""

import pytest

from bot.contract import FLAG_IDS
from bot.evaluation.compare import (
    compare,
    describe_wrong,
    format_comparison,
    outcomes,
    wrong_labels,
)
from bot.evaluation.metrics import multiclass


def scores(f1: float, support: int = 10) -> dict:
    return {"precision": f1, "recall": f1, "f1": f1, "support": support}


def run(f1s: dict[str, float], wrong: dict[str, list[str]], **overall) -> dict:
    labels = {label: scores(0.8) for label in (*FLAG_IDS, "urgent", "about_other")}
    labels.update({label: scores(value) for label, value in f1s.items()})
    base_overall = {
        "flag_micro_f1": 0.8,
        "flag_macro_f1": 0.78,
        "stage_accuracy": 0.9,
        "harmless_flagged_rate": 0.1,
    }
    return {"summary": {"labels": labels, "overall": base_overall | overall}, "wrong": wrong}


def test_wrong_labels_names_missed_and_false_flags_and_other_labels():
    gold = {"flags": ["documents_confiscated", "movement_restricted"], "urgent": True,
            "stage": "in_situ", "about_other": False}  # fmt: skip
    guess = {"flags": ["movement_restricted", "forced_scamming"], "urgent": False,
             "stage": "exited", "about_other": False}  # fmt: skip
    assert wrong_labels(gold, guess) == [
        "flag:documents_confiscated",
        "flag:forced_scamming",
        "urgent",
        "stage",
    ]
    assert wrong_labels(gold, gold) == []
    assert describe_wrong(gold, guess) == [
        "missed documents_confiscated",
        "false alarm: forced_scamming",
        "missed urgent",
        "stage in_situ taken for exited",
    ]


def test_outcomes_keep_only_messages_with_a_wrong_label():
    gold = [{"id": "a", "flags": ["no_contract"], "stage": "prospective"},
            {"id": "b", "flags": [], "stage": "none"}]  # fmt: skip
    predicted = [{"id": "a", "flags": [], "stage": "prospective"},
                 {"id": "b", "flags": [], "stage": "none"}]  # fmt: skip
    assert outcomes(gold, predicted) == {"a": ["flag:no_contract"]}


def test_what_rose_what_fell_and_which_messages_flipped():
    baseline = run({"abusive_conditions": 0.5, "no_contract": 0.9},
                   {"d1": ["flag:abusive_conditions"], "d2": ["stage"]})  # fmt: skip
    baseline["accepted_at"] = "2026-12-01T10:00:00Z"
    current = run({"abusive_conditions": 0.7, "no_contract": 0.82},
                  {"d2": ["stage"], "d3": ["flag:no_contract", "urgent"]},
                  harmless_flagged_rate=0.05)  # fmt: skip
    texts = {"d1": "they make us work 18 hours", "d3": "no contract, they said sign later"}
    result = compare(current, baseline, texts)
    by_label = {row["label"]: row for row in result["labels"]}
    assert by_label["abusive_conditions"]["change"] == "rose"
    assert by_label["abusive_conditions"]["delta"] == pytest.approx(0.2)
    assert by_label["no_contract"]["change"] == "fell"
    assert by_label["urgent"]["change"] == "same"
    overall = {row["label"]: row for row in result["overall"]}
    assert overall["harmless_flagged_rate"]["change"] == "rose"  # fewer false alarms
    assert result["flipped"] == [
        {"id": "d3", "text": texts["d3"], "labels": ["flag:no_contract", "urgent"]}
    ]
    assert result["fixed"] == [
        {"id": "d1", "text": texts["d1"], "labels": ["flag:abusive_conditions"]}
    ]
    table = format_comparison(result)
    assert "fell no_contract" in " ".join(table.split())
    assert "1 messages flipped from right to wrong, 1 from wrong to right" in table


def test_a_new_flag_has_no_before_value():
    baseline = run({}, {})
    del baseline["summary"]["labels"]["sexual_violence"]
    result = compare(run({}, {}), baseline)
    row = next(r for r in result["labels"] if r["label"] == "sexual_violence")
    assert row["change"] == "new" and row["delta"] is None


def test_without_a_baseline_nothing_is_compared():
    result = compare(run({}, {"d1": ["stage"]}), None)
    assert result["has_baseline"] is False and result["flipped"] == []
    assert "make eval-accept" in format_comparison(result)


def test_multiclass_counts_confusion_and_per_label_scores():
    gold = ["greet", "greet", "stop", "describe_offer"]
    predicted = ["greet", "stop", "stop", "nlu_fallback"]
    report = multiclass(gold, predicted)
    assert report["labels"] == ["describe_offer", "greet", "nlu_fallback", "stop"]
    assert report["accuracy"] == 0.5
    assert report["confusion"][1] == [0, 1, 0, 1]  # greet: once right, once taken for stop
    assert report["per_label"]["stop"] == {"precision": 0.5, "recall": 1.0, "f1": 0.667,
                                           "support": 1}  # fmt: skip
    assert report["per_label"]["nlu_fallback"]["support"] == 0
    assert report["macro_f1"] == round((2 / 3 + 2 / 3 + 0.0) / 3, 3)  # greet, stop, offer
