"""`make eval` scores each dev set on its own against issue 12's targets, on fixed gold and
predicted labels (no model involved); every expected figure is worked out by hand."""

import json

import pytest

from bot.evaluation.devsets import KNOWN, DevSetError, label_problems, load_items
from bot.evaluation.metrics import ad_figures, headline_figures, score
from bot.evaluation.per_set import format_set, score_dev_set
from bot.evaluation.report_html import render
from bot.ops.evaluate import load_dev_sets

INFO = {info.name: info for info in KNOWN}


def gold(id_, flags=(), urgent=False, **extra):
    stage = "in_situ" if flags or urgent else "none"
    return {"id": id_, "text": f"message {id_}", "flags": list(flags), "urgent": urgent,
            "stage": stage, "about_other": False, "country": None} | extra  # fmt: skip


def said(id_, flags=(), urgent=False):
    return {"id": id_, "flags": list(flags), "urgent": urgent, "stage": "in_situ",
            "about_other": False, "country": None}  # fmt: skip


DOC, MOV = "documents_confiscated", "movement_restricted"
GOLD = [
    gold("a", [DOC], urgent=True),
    gold("b"),
    gold("c", [DOC, MOV]),
    gold("d"),
    gold("e", [MOV], urgent=True),
]
SAID = [
    said("a", [DOC], urgent=True),  # DOC right, urgent right
    said("b", [MOV]),  # a harmless message given a flag
    said("c", [DOC], urgent=True),  # MOV missed, urgent false alarm
    said("d"),
    said("e"),  # MOV missed, urgent missed
]


def test_the_headline_figures_of_a_tiny_set():
    report = score(GOLD, SAID)
    # DOC: 2 right, none wrong. MOV: 0 right, 1 false, 2 missed.
    assert report["flags"][DOC] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
    assert report["flags"][MOV] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 2}
    # micro: tp 2, fp 1, fn 2 -> P 2/3, R 2/4, F1 2*2/(2*2+1+2) = 4/7
    assert headline_figures(report) == {
        "flag_micro_f1": 0.571,
        "harmless_flagged_rate": 0.5,  # b and d are harmless; b got a flag
        "urgent_recall": 0.5,  # a found, e missed
        "urgent_precision": 0.5,  # a right, c a false alarm
    }


def test_job_ads_legitimate_ads_flagged_and_scam_ads_caught():
    ads = [gold("l1", ad_kind="legit"), gold("l2", ad_kind="legit"),
           gold("l3", ["lure_job_type"], ad_kind="legit"), gold("s1", [MOV], ad_kind="scam"),
           gold("s2", [MOV], ad_kind="scam")]  # fmt: skip
    predictions = [said("l1", ["unrealistic_pay"]), said("l2"), said("l3"),
                   said("s1", ["lure_job_type"]), said("s2")]  # fmt: skip
    # 1 of 3 legitimate ads got a flag (l1; l3's gold flag is missed, not "flagged");
    # 1 of 2 scam ads got at least one flag, whichever it is
    assert ad_figures(ads, predictions) == {
        "legit_ads": 3,
        "legit_ads_flagged_rate": 0.333,
        "scam_ads": 2,
        "scam_ads_flagged_rate": 0.5,
    }
    assert ad_figures(GOLD, SAID) == {}  # not a set of ads
    # no ad is urgent and none was said urgent: nothing to measure, not a recall of 0
    figures = headline_figures(score(ads, predictions))
    assert figures["urgent_recall"] is None and figures["urgent_precision"] is None
    record = score_dev_set(INFO["job_ads"], ads, predictions, [said(a["id"]) for a in ads])
    assert [(r["figure"], r["value"], r["met"]) for r in record["targets"]] == [
        ("legit_ads_flagged_rate", 0.333, False),  # target <= 0.10
        ("scam_ads_flagged_rate", 0.5, False),  # target >= 0.90
    ]
    assert record["keyword_figures"]["legit_ads_flagged_rate"] == 0.0


def test_the_multilingual_set_is_scored_per_language_against_each_target():
    items = [gold("v1", [DOC], urgent=True, language="vi"), gold("v2", [MOV], language="vi"),
             gold("k1", [DOC], urgent=True, language="km"), gold("k2", language="km"),
             gold("e1", [DOC], language="en")]  # fmt: skip
    predictions = [said("v1", [DOC], urgent=True), said("v2", [MOV]),
                   said("k1", [MOV]), said("k2", [DOC]), said("e1", [DOC])]  # fmt: skip
    record = score_dev_set(INFO["multilingual"], items, predictions, predictions)
    languages = record["languages"]
    assert list(languages) == ["en", "km", "vi"]
    # vi: both flags right, the urgent message found -> F1 1, recall 1, targets met
    assert languages["vi"]["figures"]["flag_micro_f1"] == 1.0
    assert [(r["figure"], r["met"]) for r in languages["vi"]["targets"]] == [
        ("flag_micro_f1", True), ("urgent_recall", True)]  # fmt: skip
    # km: k1 DOC missed and MOV false, k2 DOC false: tp 0 -> F1 0; urgent k1 missed;
    # k2 is harmless and got a flag
    km = languages["km"]
    assert km["figures"]["flag_micro_f1"] == 0.0
    assert km["figures"]["urgent_recall"] == 0.0
    assert km["figures"]["harmless_flagged_rate"] == 1.0
    assert [r["met"] for r in km["targets"]] == [False, False]
    assert languages["en"]["targets"] == []  # issue 12 sets no target for code-mixed English
    table = format_set(record)
    assert "km (  2): micro-F1 0.000(NO), harmless flagged 1.000" in table
    assert "vi (  2): micro-F1 1.000(yes)" in table


def test_the_page_and_the_table_show_each_set_next_to_its_targets(tmp_path):
    record = score_dev_set(INFO["contract"], GOLD, SAID, [said(g["id"]) for g in GOLD])
    assert record["title"] == "contract English (written with the training data; overstates)"
    table = format_set(record)
    line = next(x for x in table.splitlines() if x.startswith("flag micro-F1"))
    assert line.split() == ["flag", "micro-F1", "0.571", "0.000", "≥", "0.85", "NO"]
    run = {"generated_at": "t", "model": "m", "devset": {}, "dev_sets": [record],
           "strict": {"has_baseline": False, "failures": []}}  # fmt: skip
    from tests.test_eval_report import make_run

    page = render(make_run(["documents_confiscated"]) | run)
    assert "<h2>Each dev set against issue 12's targets</h2>" in page
    assert "contract English (written with the training data; overstates)" in page
    assert "<td class='n'>≥ 0.85</td><td class='miss'>not met</td>" in page


def test_dev_set_items_may_carry_where_they_came_from_but_labels_are_still_checked():
    good = gold("ads-l001", ad_kind="legit", language="en", home_country="PH", origin="quoted",
                source="https://example.org/job", source_note="quoted verbatim")  # fmt: skip
    assert label_problems([good]) == []
    bad = [
        good | {"id": "x1", "text": "t1", "flags": ["not_a_flag"], "stage": "in_situ"},
        good | {"id": "x2", "text": "t2", "stage": "held"},
        good | {"id": "x3", "text": "t3", "language": "Tagalog"},
        good | {"id": "x4", "text": "t4", "ad_kind": "maybe"},
        good | {"id": "x5", "text": "t5", "mood": "sad"},
        good | {"id": "x6", "text": "t6", "home_country": "Philippines"},
    ]
    assert label_problems(bad) == [
        "item 1: bad flags ['not_a_flag']",
        "item 2: bad stage held",
        "item 3: bad language Tagalog (ISO 639-1, two lower-case letters)",
        "item 4: bad ad_kind maybe",
        "item 5: missing keys [], unknown keys ['mood']",
        "item 6: bad home_country Philippines",
    ]


def test_a_broken_or_mislabelled_dev_set_stops_make_eval_with_a_clear_message(tmp_path):
    (tmp_path / "eval" / "dev").mkdir(parents=True)
    (tmp_path / "eval" / "devset.jsonl").write_text(json.dumps(gold("d1")) + "\n", "utf-8")
    victims = tmp_path / "eval" / "dev" / "victims.jsonl"
    mislabelled = gold("v1", ["threats_or_violence"]) | {"flags": ["forced_labour"]}
    victims.write_text(json.dumps(mislabelled) + "\n", "utf-8")
    with pytest.raises(DevSetError, match="victims.jsonl: 1 label problems: item 1: bad flags"):
        load_dev_sets(tmp_path)
    victims.write_text('{"id": "v1", "text": "they took my passport"\n\xff', "utf-8")
    with pytest.raises(DevSetError, match="victims.jsonl line 1: not JSON"):
        load_items(victims)
    victims.write_text(json.dumps(gold("v1")) + "\n", "utf-8")
    assert [(info.name, len(items)) for info, items in load_dev_sets(tmp_path)] == [
        ("contract", 1), ("victims", 1)]  # fmt: skip
