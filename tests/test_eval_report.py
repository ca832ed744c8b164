"""`make eval`'s report writer and baseline, on fixed predictions (no model involved)."""

import json
import re

from bot.contract import FLAG_IDS
from bot.evaluation.metrics import multiclass
from bot.ops.evaluate import accept, build_run, read_baseline, summarise_core, write_outputs

HOSTILE = "<script>alert('x')</script> my passport was taken"
DEVSET = [
    {"id": "m1", "text": HOSTILE, "flags": ["documents_confiscated"], "urgent": False,
     "stage": "in_situ", "about_other": False, "country": None},
    {"id": "m2", "text": "what time is it in bangkok", "flags": [], "urgent": False,
     "stage": "none", "about_other": False, "country": "TH"},
    {"id": "m3", "text": "they beat us now, help", "flags": ["threats_or_violence"],
     "urgent": True, "stage": "in_situ", "about_other": False, "country": None},
]  # fmt: skip


def predictions(m1_flags):
    scores = {flag: 0.1 for flag in FLAG_IDS}
    return [
        {"id": "m1", "flags": m1_flags, "urgent": False, "stage": "in_situ",
         "about_other": False, "country": None, "intent": "describe_situation",
         "all_flag_scores": scores | {"documents_confiscated": 0.9}, "urgent_score": 0.1},
        {"id": "m2", "flags": [], "urgent": False, "stage": "none", "about_other": False,
         "country": "TH", "intent": "out_of_scope", "all_flag_scores": scores,
         "urgent_score": 0.0},
        {"id": "m3", "flags": ["threats_or_violence"], "urgent": True, "stage": "in_situ",
         "about_other": False, "country": None, "intent": "describe_situation",
         "all_flag_scores": scores | {"threats_or_violence": 0.8}, "urgent_score": 0.9},
    ]  # fmt: skip


KEYWORD = [{"id": i, "flags": [], "urgent": False, "stage": "none", "about_other": False,
            "country": None} for i in ("m1", "m2", "m3")]  # fmt: skip
INTENTS = multiclass(["greet", "stop", "describe_offer"], ["greet", "stop", "describe_exit"])
NO_STORIES = {"status": "no test stories"}


def make_run(m1_flags, baseline=None):
    return build_run(DEVSET, predictions(m1_flags), KEYWORD, "lantern-test.tar.gz", INTENTS,
                     None, NO_STORIES, baseline, "2026-12-07T05:00:00Z")  # fmt: skip


def test_the_page_is_self_contained_with_plots_and_escaped_text(tmp_path):
    run = make_run(["documents_confiscated"])
    assert run["lantern"]["scores"]["flags"]["documents_confiscated"]["f1"] == 1.0
    assert run["keyword"]["scores"]["flag_micro"]["f1"] == 0.0
    json_path, html_path = write_outputs(run, tmp_path)
    page = html_path.read_text(encoding="utf-8")
    assert json.loads(json_path.read_text(encoding="utf-8"))["model"] == "lantern-test.tar.gz"
    images = re.findall(r"<img alt='plot' src='data:image/png;base64,([A-Za-z0-9+/=]+)'", page)
    assert len(images) >= 4  # flag bars, stage and intent confusion matrices, histograms
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", page)  # nothing fetched
    assert "<script>" not in page
    assert "no test stories" in page
    assert "No accepted baseline yet" in page
    for flag in FLAG_IDS:
        assert f"<td>{flag}</td>" in page


def test_an_accepted_run_is_the_baseline_the_next_run_is_compared_with(tmp_path):
    report_dir, baseline_path = tmp_path / "reports", tmp_path / "baseline.json"
    write_outputs(make_run(["documents_confiscated"]), report_dir)
    assert accept(report_dir, baseline_path) == 0
    baseline = read_baseline(baseline_path)
    assert baseline["accepted_at"] == "2026-12-07T05:00:00Z"
    assert baseline["wrong"] == {}
    assert len(baseline_path.read_bytes()) < 20_000  # small enough to keep in the repo

    worse = make_run([], baseline)  # the passport message is now missed
    comparison = worse["comparison"]
    row = next(r for r in comparison["labels"] if r["label"] == "documents_confiscated")
    assert (row["before"], row["after"], row["change"]) == (1.0, 0.0, "fell")
    assert comparison["flipped"] == [
        {
            "id": "m1",
            "text": HOSTILE,
            "labels": ["flag:documents_confiscated"],
            "details": ["missed documents_confiscated"],
        }
    ]
    _, html_path = write_outputs(worse, report_dir)
    page = html_path.read_text(encoding="utf-8")
    assert "Messages that flipped from right to wrong (1)" in page
    assert "<td>missed documents_confiscated</td>" in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; my passport was taken" in page
    fell = [
        r["label"] for r in comparison["labels"] + comparison["overall"] if r["change"] == "fell"
    ]
    assert set(fell) == {"documents_confiscated", "flag_micro_f1", "flag_macro_f1"}
    assert f"<span class='fell'>{len(fell)} fell</span>" in page


def test_accept_without_a_run_says_what_to_do(tmp_path, capsys):
    assert accept(tmp_path, tmp_path / "baseline.json") == 2
    assert "run `make eval` first" in capsys.readouterr().err
    assert not (tmp_path / "baseline.json").exists()


def test_test_story_results_are_summarised(tmp_path):
    (tmp_path / "failed_test_stories.yml").write_text(
        'version: "3.1"\nstories:\n- story: stop at once (tests/stories/x.yml)\n  steps:\n'
        "  - intent: stop\n  - action: utter_stop  # predicted: action_listen\n",
        encoding="utf-8",
    )
    (tmp_path / "story_report.json").write_text(
        json.dumps({
            "utter_stop": {"precision": 1.0, "recall": 0.5, "f1-score": 0.667, "support": 2},
            "macro avg": {"precision": 1.0, "recall": 0.5, "f1-score": 0.667, "support": 2},
            "accuracy": 0.9,
        }),
        encoding="utf-8",
    )  # fmt: skip
    core = summarise_core(tmp_path, ["greet", "stop at once"], 0, "")
    assert core["status"] == "ran" and (core["stories"], core["failed"]) == (2, 1)
    assert core["failed_stories"] == ["stop at once (tests/stories/x.yml)"]
    assert list(core["actions"]) == ["utter_stop"]


def test_a_rasa_failure_is_reported_not_hidden(tmp_path):
    core = summarise_core(tmp_path, ["a"], 1, "line\nInvalidDomain: intent 'x' missing")
    assert core["status"].startswith("rasa test core did not run (exit 1)")
    assert "InvalidDomain" in core["status"]


def test_the_held_out_fifth_of_the_training_data_is_a_second_column(tmp_path):
    from bot.evaluation.metrics import score

    second_view = score(DEVSET, predictions([]))
    run = build_run(DEVSET, predictions(["documents_confiscated"]), KEYWORD, "m", INTENTS,
                    second_view, NO_STORIES, None, "2026-12-07T05:00:00Z")  # fmt: skip
    page = write_outputs(run, tmp_path)[1].read_text(encoding="utf-8")
    assert "<th>F1 held-out fifth of the training data</th>" in page
    row = page[page.index("<td>documents_confiscated</td>") :].split("</tr>")[0]
    assert row.endswith("<td class='n'>0.00</td>")  # missed in the second view


def test_failed_test_stories_are_named_in_the_table_and_the_page(tmp_path):
    from bot.ops.evaluate import short_table

    core = {"status": "ran", "path": "tests/stories", "stories": 3, "failed": 1,
            "failed_stories": ["stop at once (tests/stories/x.yml)"],
            "actions": {"utter_stop": {"precision": 1.0, "recall": 0.5, "f1-score": 0.667,
                                       "support": 2}}}  # fmt: skip
    run = build_run(DEVSET, predictions([]), KEYWORD, "m", INTENTS, None, core, None,
                    "2026-12-07T05:00:00Z")  # fmt: skip
    table = short_table(run)
    assert "test stories: 2 of 3 passed" in table
    assert "  failed: stop at once (tests/stories/x.yml)" in table
    page = write_outputs(run, tmp_path)[1].read_text(encoding="utf-8")
    assert "2 of 3 test stories passed" in page and "<td>utter_stop</td>" in page
