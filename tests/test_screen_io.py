"""`make screen` input handling: every line gets an answer, bad ones an error."""

import json

from bot.ops.screen import prediction_line, read_requests


def test_good_and_bad_lines_each_get_one_result_in_order():
    raw = (
        b"\n".join(
            [
                json.dumps({"id": "m1", "text": "hello"}).encode(),
                b"not json at all",
                json.dumps({"id": "m3"}).encode(),
                json.dumps({"id": "m4", "text": "   "}).encode(),
                json.dumps({"id": "m5", "text": 42}).encode(),
                json.dumps(["a", "list"]).encode(),
                b"\xff\xfe\x00binary",
                b"",
                json.dumps({"id": "m9", "text": "<script>alert(1)</script>"}).encode(),
            ]
        )
        + b"\n\n"
    )
    results = list(read_requests(raw))
    assert len(results) == 9
    assert results[0] == {"id": "m1", "text": "hello"}
    assert results[1]["id"] is None and "not valid JSON" in results[1]["error"]
    assert results[2] == {"id": "m3", "error": "no text"}
    assert results[3] == {"id": "m4", "error": "no text"}
    assert results[4] == {"id": "m5", "error": "no text"}
    assert "not a JSON object" in results[5]["error"]
    assert "UTF-8" in results[6]["error"]
    assert "error" in results[7]
    assert results[8]["text"] == "<script>alert(1)</script>"


def test_huge_text_is_cut_not_refused():
    results = list(read_requests(json.dumps({"id": "big", "text": "x" * 300_000}).encode()))
    assert len(results[0]["text"]) == 100_000


def test_output_line_has_exactly_the_contract_keys():
    line = prediction_line(
        "m1",
        {
            "red_flags": [{"name": "no_contract", "score": 0.9}],
            "flag_scores": {"no_contract": 0.9, "fees_or_debt": 0.1},
            "urgent": False,
            "stage": "prospective",
            "about_other": False,
            "country": "KH",
            "home_country": "PH",
        },
    )
    assert line == {
        "id": "m1",
        "flags": ["no_contract"],
        "flag_scores": {"no_contract": 0.9},
        "urgent": False,
        "stage": "prospective",
        "about_other": False,
        "country": "KH",
        "language": None,
    }


def test_output_line_carries_the_language_and_the_rules_of_the_bot():
    line = prediction_line(
        "m2",
        {
            "text": "I want to kill myself, they took us to Shwe Kokko",
            "intent": {"name": "describe_situation"},
            "red_flags": [{"name": "documents_confiscated", "score": 0.8}],
            "flag_scores": {"documents_confiscated": 0.8, "high_risk_destination": 0.2},
            "urgent": False,
            "stage": "in_situ",
            "country": "MM",
            "high_risk_place": True,
            "language": "en",
        },
    )
    assert line["urgent"] is True  # self-harm phrases
    assert line["flags"] == ["documents_confiscated", "high_risk_destination"]
    # the model's score for a flag it found; a rule's flag is certain
    assert line["flag_scores"] == {"documents_confiscated": 0.8, "high_risk_destination": 1.0}
    assert line["language"] == "en"
