"""`make eval STRICT=1` fails when a flag's F1 or `urgent` recall on a dev set falls below the
accepted baseline by more than its noise, and passes when the change is within the noise."""

import json
import math

import pytest

from bot.evaluation.devsets import KNOWN, load_items
from bot.evaluation.noise import guarded_figures, regressions
from bot.ops.evaluate import accept, add_dev_sets, read_baseline, strict_verdict
from bot.settings import PROJECT_ROOT

INFO = {info.name: info for info in KNOWN}
# Real labelled messages: victims' words quoted by the press (eval/dev/victims.jsonl).
VICTIMS = load_items(PROJECT_ROOT / "eval" / "dev" / "victims.jsonl")


def perfect(items):
    return [{"id": i["id"], "flags": list(i["flags"]), "urgent": i["urgent"],
             "stage": i["stage"], "about_other": i["about_other"], "country": i["country"]}
            for i in items]  # fmt: skip


def without(predictions, flag, count):
    """The predictions with `flag` dropped from its first `count` messages."""
    out, dropped = [], 0
    for p in predictions:
        if flag in p["flags"] and dropped < count:
            p = p | {"flags": [f for f in p["flags"] if f != flag]}
            dropped += 1
        out.append(p)
    return out


def test_the_bootstrap_error_of_a_share_is_the_binomial_one():
    # 100 urgent messages, 80 found: the standard error of recall is sqrt(.8 * .2 / 100) = 0.04
    gold = [{"id": n, "flags": [], "urgent": True} for n in range(100)]
    said = [{"id": n, "flags": [], "urgent": n < 80} for n in range(100)]
    recall = guarded_figures(gold, said)["urgent recall"]
    assert recall.value == 0.8 and recall.support == 100
    assert recall.se == pytest.approx(math.sqrt(0.8 * 0.2 / 100), abs=0.004)
    assert recall.margin == pytest.approx(2 * recall.se, abs=0.002)  # both rounded to 3 places


def test_a_perfect_small_figure_still_allows_one_message():
    # 4 urgent messages all found: no spread in any bootstrap sample, so the margin is what
    # one message changes: recall 4/4 -> 3/4
    gold = [{"id": n, "flags": ["wages_withheld"] if n < 4 else [], "urgent": n < 4}
            for n in range(30)]  # fmt: skip
    figures = guarded_figures(gold, gold)
    recall = figures["urgent recall"]
    assert (recall.value, recall.se, recall.margin) == (1.0, 0.0, 0.25)
    # F1 4/4: samples that drew none of the four say nothing (they are not an F1 of 0);
    # one message missed makes it 2*3 / (2*3 + 1) = 6/7
    f1 = figures["wages_withheld F1"]
    assert (f1.value, f1.se, f1.margin) == (1.0, 0.0, round(1 - 6 / 7, 3))


def test_only_falls_beyond_the_baseline_margin_fail():
    baseline = {"victims": {"threats_or_violence F1": {"value": 0.80, "margin": 0.08,
                                                      "higher_is_better": True}},
                "job_ads": {"legit ads flagged": {"value": 0.10, "margin": 0.05,
                                                  "higher_is_better": False}}}  # fmt: skip

    def now(f1, legit):
        return {"victims": {"threats_or_violence F1": {"value": f1}},
                "job_ads": {"legit ads flagged": {"value": legit}}}  # fmt: skip

    assert regressions(now(0.73, 0.14), baseline) == []  # 0.07 and 0.04 worse: within noise
    assert regressions(now(0.95, 0.01), baseline) == []  # better
    assert regressions(now(0.70, 0.16), baseline) == [
        "victims: threats_or_violence F1 0.800 -> 0.700 (worse by 0.100; noise margin 0.080)",
        "job_ads: legit ads flagged 0.100 -> 0.160 (worse by 0.060; noise margin 0.050)",
    ]
    assert regressions({}, baseline) == []  # a set that is gone is not compared


def run_with(predictions, baseline=None):
    run = {"generated_at": "2026-12-07T05:00:00Z", "model": "m", "lantern": {"summary": {},
           "wrong": {}}, "devset": {}}  # fmt: skip
    sets = [(INFO["victims"], VICTIMS)]
    return add_dev_sets(run, sets, {"victims": predictions}, {"victims": predictions}, baseline)


def test_strict_fails_on_a_real_fall_and_passes_within_the_noise(tmp_path):
    flag = "threats_or_violence"
    support = sum(flag in item["flags"] for item in VICTIMS)
    assert support >= 30  # the quoted victims' words name violence often
    accepted = run_with(perfect(VICTIMS))
    # keep the accepted run as the baseline, the way `make eval-accept` does
    write_outputs_json(accepted, tmp_path)
    assert accept(tmp_path, tmp_path / "baseline.json") == 0
    baseline = read_baseline(tmp_path / "baseline.json")
    margin = baseline["sets"]["victims"]["guarded"][f"{flag} F1"]["margin"]
    # F1 1.0 has no bootstrap spread: the margin is one message's worth,
    # 1 - 2(s-1) / (2(s-1) + 1), or the floor of 0.02 when that is smaller
    one_message = 1 - 2 * (support - 1) / (2 * (support - 1) + 1)
    assert margin == pytest.approx(max(one_message, 0.02), abs=0.001)

    one_missed = run_with(without(perfect(VICTIMS), flag, 1), baseline)
    assert strict_verdict(one_missed, {"STRICT": "1"})[0] == 0

    five_missed = run_with(without(perfect(VICTIMS), flag, 5), baseline)
    f1 = round(2 * (support - 5) / (2 * (support - 5) + 5), 3)
    code, message = strict_verdict(five_missed, {"STRICT": "1"})
    assert code == 1
    assert f"victims: {flag} F1 1.000 -> {f1:.3f}" in message
    assert strict_verdict(five_missed, {})[0] == 0  # without STRICT=1 it only says so
    assert "STRICT=1 would fail" in strict_verdict(five_missed, {})[1]


def test_strict_fails_when_urgent_messages_are_missed():
    accepted = run_with(perfect(VICTIMS))
    baseline = {"sets": {"victims": {"guarded": accepted["dev_sets"][0]["guarded"]}}}
    urgent = [item["id"] for item in VICTIMS if item["urgent"]]
    assert len(urgent) == 3  # the victims' set has three urgent quotes
    missed = [p | {"urgent": False} if p["id"] == urgent[0] else p for p in perfect(VICTIMS)]
    # recall 3/3 -> 2/3 is one message: within the noise of three
    assert strict_verdict(run_with(missed, baseline), {"STRICT": "1"})[0] == 0
    missed = [p | {"urgent": False} if p["id"] in urgent[:2] else p for p in perfect(VICTIMS)]
    code, message = strict_verdict(run_with(missed, baseline), {"STRICT": "1"})
    assert code == 1 and "victims: urgent recall 1.000 -> 0.333" in message


def test_without_a_baseline_strict_passes_and_says_how_to_make_one():
    code, message = strict_verdict(run_with(perfect(VICTIMS)), {"STRICT": "1"})
    assert code == 0 and "make eval-accept" in message


def write_outputs_json(run, directory):
    """Only eval.json (the page needs the contract set's full run)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "eval.json").write_text(json.dumps(run), encoding="utf-8")
