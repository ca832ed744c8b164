"""Checks of the training data a reviewer relies on: minimum counts and no duplicates.
(Copies of held-out messages are found by bot/evaluation/overlap.py.)"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from bot.contract import FLAG_IDS
from bot.places.gazetteer import normalise

if TYPE_CHECKING:  # the checks run without Rasa (the staff console's export uses them)
    from bot.nlu.dataset import Example

MIN_EXAMPLES_PER_FLAG = 40
MIN_MULTI_FLAG_EXAMPLES = 150
MIN_NEGATIVE_EXAMPLES = 300
# Two texts this similar (rapidfuzz ratio on normalised text, 0-100) count as near
# duplicates: one word changed in a short sentence, or a swapped number.
NEAR_DUPLICATE_RATIO = 95.0
SCREENING_INTENTS = {"describe_offer", "describe_situation", "describe_exit", "out_of_scope"}


@dataclass(frozen=True)
class DataSummary:
    """Counts that the issue's minimums are checked against."""

    per_flag: dict[str, int]
    multi_flag: int
    negatives: int
    total: int


def summarise(examples: Sequence[Example]) -> DataSummary:
    """Count examples per flag, with 2+ flags, and harmless screening negatives."""
    per_flag = Counter(flag for e in examples for flag in set(e.targets.flags))
    return DataSummary(
        per_flag={flag: per_flag.get(flag, 0) for flag in FLAG_IDS},
        multi_flag=sum(1 for e in examples if len(set(e.targets.flags)) >= 2),
        negatives=sum(
            1
            for e in examples
            if e.intent in SCREENING_INTENTS and not e.targets.flags and not e.targets.urgent
        ),
        total=len(examples),
    )


def near_duplicate_of(text: str, others: Sequence[str]) -> tuple[int, float] | None:
    """Index and similarity of the one of `others` (texts already passed through
    `normalise`) that `text` duplicates most closely, exactly or nearly, or None."""
    match = process.extractOne(
        normalise(text), others, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE_RATIO
    )
    return (match[2], match[1]) if match else None


def duplicate_pairs(examples: Sequence[Example]) -> list[tuple[Example, Example, float]]:
    """Pairs of examples whose normalised texts are identical or nearly so (ratio of 95 or
    more: one word changed in a sentence of about twenty, or a swapped number)."""
    texts = [normalise(e.text) for e in examples]
    found = []
    for i, text in enumerate(texts):
        if i + 1 >= len(texts):
            break
        for _match, ratio, j in process.extract(
            text, texts[i + 1 :], scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE_RATIO, limit=None
        ):
            found.append((examples[i], examples[i + 1 + j], ratio))
    return found


def duplicates(examples: Sequence[Example]) -> list[tuple[str, str, float]]:
    """Pairs of examples whose normalised texts are identical or nearly so."""
    return [(a.text, b.text, ratio) for a, b, ratio in duplicate_pairs(examples)]


def labels_of(example: Example) -> tuple:
    """Everything an example is labelled with: intent, flags, stage, urgent, subject."""
    targets = example.targets
    return (
        example.intent,
        tuple(sorted(targets.flags)),
        targets.stage,
        targets.urgent,
        targets.about_other,
    )


def label_conflicts(
    pairs: Sequence[tuple[Example, Example, float]],
) -> list[tuple[Example, Example, float]]:
    """The duplicate pairs whose labels differ: the same message taught two ways."""
    return [(a, b, ratio) for a, b, ratio in pairs if labels_of(a) != labels_of(b)]


def inconsistent_labels(examples: Sequence[Example]) -> list[tuple[Example, str]]:
    """Examples whose own labels contradict each other or the labelling guide."""
    found = []
    for example in examples:
        targets = example.targets
        if targets.flags and example.intent not in SCREENING_INTENTS - {"out_of_scope"}:
            found.append((example, f"red flags on intent {example.intent}"))
        elif targets.flags and targets.stage == "none":
            found.append((example, "red flags with stage none (the model drops them)"))
        if example.intent not in SCREENING_INTENTS and (targets.urgent or targets.about_other):
            found.append((example, f"urgent or about_other on intent {example.intent}"))
    return found


def below_minimums(
    summary: DataSummary,
    per_flag: int = MIN_EXAMPLES_PER_FLAG,
    multi_flag: int = MIN_MULTI_FLAG_EXAMPLES,
    negatives: int = MIN_NEGATIVE_EXAMPLES,
) -> list[str]:
    """What falls short of the minimums, in words."""
    problems = [
        f"{flag}: {count} examples, needs {per_flag}"
        for flag, count in summary.per_flag.items()
        if count < per_flag
    ]
    if summary.multi_flag < multi_flag:
        problems.append(f"{summary.multi_flag} examples with 2+ flags, needs {multi_flag}")
    if summary.negatives < negatives:
        problems.append(f"{summary.negatives} harmless screening examples, needs {negatives}")
    return problems
