"""`make validate` refuses dev-set messages that copy a training example, exactly or nearly
(bot/evaluation/overlap.py), and accepts distinct messages on the same topic."""

import pytest

from bot.evaluation.overlap import allowed_short, comparable, find_overlaps
from bot.nlu.dataset import Example
from bot.nlu.targets import ScreeningTargets

TRAINING = [
    Example(
        "they took my passport when we arrived at the compound and locked us in the building",
        "describe_situation",
        ScreeningTargets(("documents_confiscated", "movement_restricted"), stage="in_situ"),
        "workplace_control.yml",
    ),
    Example(
        "gusto ko na mamatay, di ko na kaya dito, araw araw sinasaktan kami",
        "describe_situation",
        ScreeningTargets(("threats_or_violence",), stage="in_situ", urgent=True),
        "code_mixed.yml",
    ),
    Example(
        "who won the football last night? thailand vs vietnam",
        "out_of_scope",
        ScreeningTargets((), stage="none"),
        "harmless.yml",
    ),  # fmt: skip
    Example("hi", "greet", ScreeningTargets((), stage="none"), "dialogue.yml"),
    Example(
        "they took passport",
        "describe_situation",
        ScreeningTargets(("documents_confiscated",), stage="in_situ"),
        "x.yml",
    ),  # fmt: skip
]


def item(text, flags=("documents_confiscated",), urgent=False, id_="d1"):
    return {"id": id_, "text": text, "flags": list(flags), "urgent": urgent}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # an exact copy, with other case, punctuation and an emoji
        (
            "They took my passport when we arrived at the compound, and locked us in the "
            "building!! 😭",
            "exact",
        ),  # fmt: skip
        # one word changed
        (
            "they took my passport when we arrived at the office and locked us in the building",
            "near",
        ),  # fmt: skip
        # one word dropped, a typo
        (
            "they took my pasport when we arrived at compound and locked us in the building",
            "near",
        ),  # fmt: skip
        # the same words in another order
        ("hindi ko na kaya dito, gusto ko na mamatay, araw araw sinasaktan kami", "reordered"),
        # a clause dropped
        ("who won the football last night", "contained"),
    ],
)
def test_exact_and_near_copies_are_refused(text, kind):
    flags = () if "football" in text else ("documents_confiscated",)
    found = find_overlaps([item(text, flags)], TRAINING, workers=1)
    assert [(f.dev_id, f.kind) for f in found] == [("d1", kind)]
    assert found[0].training_source in {"workplace_control.yml", "code_mixed.yml", "harmless.yml"}


@pytest.mark.parametrize(
    "text",
    [
        # the same topic, other words (from eval/devset.jsonl and the victims set)
        "the boss keeps all our passports in his safe, we cannot leave the compound",
        "Yeah, they keep my passport when I arrived for the first time",
        "who won the football match yesterday? my brother says vietnam",
        "gusto ko nang umuwi pero ayaw nila ibigay ang passport ko",
    ],
)
def test_distinct_messages_on_the_same_topic_are_accepted(text):
    assert find_overlaps([item(text)], TRAINING, workers=1) == []


def test_short_greetings_may_stand_in_both_but_short_warning_signs_may_not():
    greeting = item("hi!", flags=())
    short_sign = item("They took passport.", id_="d2")
    assert allowed_short(greeting) and not allowed_short(short_sign)
    found = find_overlaps([greeting, short_sign], TRAINING, workers=1)
    assert [(f.dev_id, f.kind) for f in found] == [("d2", "exact")]
    urgent_hi = item("hi", flags=(), urgent=True, id_="d3")
    assert [f.dev_id for f in find_overlaps([urgent_hi], TRAINING, workers=1)] == ["d3"]


def test_comparable_text_keeps_the_vowel_marks_of_thai_burmese_and_khmer():
    assert comparable("ช่วยด้วย!!") == "ช่วยด้วย"
    assert comparable("ကူညီပါ။") == "ကူညီပါ"
    assert comparable("ជួយខ្ញុំផង?") == "ជួយខ្ញុំផង"
    assert comparable("  HELLO,\tworld…  ") == "hello world"
    # two Thai messages that differ only in their vowels are not the same text
    assert comparable("ไป") != comparable("ไป่")


def test_empty_and_symbol_only_messages_are_not_compared():
    assert find_overlaps([item(""), item("🙏🙏🙏", id_="d2")], TRAINING, workers=1) == []
