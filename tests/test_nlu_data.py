"""The training data meets the minimums reviewers rely on, without duplicates."""

import pytest

from bot.contract import FLAG_IDS
from bot.evaluation.data_checks import (
    MIN_EXAMPLES_PER_FLAG,
    MIN_MULTI_FLAG_EXAMPLES,
    MIN_NEGATIVE_EXAMPLES,
    duplicates,
    summarise,
)
from bot.nlu.dataset import load_examples


@pytest.fixture(scope="module")
def examples():
    return load_examples()


def test_every_flag_has_its_minimum_of_examples(examples):
    summary = summarise(examples)
    short = {f: n for f, n in summary.per_flag.items() if n < MIN_EXAMPLES_PER_FLAG}
    assert not short, f"flags below {MIN_EXAMPLES_PER_FLAG} examples: {short}"
    assert set(summary.per_flag) == set(FLAG_IDS)


def test_enough_multi_flag_examples_and_negatives(examples):
    summary = summarise(examples)
    assert summary.multi_flag >= MIN_MULTI_FLAG_EXAMPLES
    assert summary.negatives >= MIN_NEGATIVE_EXAMPLES


def test_no_exact_or_near_duplicates(examples):
    pairs = duplicates(examples)
    assert not pairs, f"{len(pairs)} near-duplicate pairs, e.g. {pairs[:3]}"


def test_flags_only_on_screening_intents(examples):
    misplaced = [
        e.text
        for e in examples
        if e.targets.flags
        and e.intent not in {"describe_offer", "describe_situation", "describe_exit"}
    ]
    assert not misplaced


SEVEN_LANGUAGES = ("vi", "id", "tl", "th", "my", "km", "zh")


@pytest.mark.parametrize("code", SEVEN_LANGUAGES)
def test_each_language_people_write_first_has_its_training_file(examples, code):
    """Issue 12: the people held in the compounds write these languages first. Each file
    labels its blocks with its language and teaches every flag, urgent danger and harmless
    messages in that language."""
    import yaml

    from bot.settings import PROJECT_ROOT

    path = PROJECT_ROOT / "data" / "nlu" / f"lang_{code}.yml"
    blocks = yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
    assert {(b.get("metadata") or {}).get("language") for b in blocks} == {code}
    mine = [e for e in examples if e.source == path.name]
    flags = {flag for e in mine for flag in e.targets.flags}
    assert flags == set(FLAG_IDS), f"{code}: no example of {set(FLAG_IDS) - flags}"
    assert sum(e.targets.urgent for e in mine) >= 10
    assert sum(1 for e in mine if e.intent == "out_of_scope") >= 10
