"""Checks of the training data a reviewer relies on: minimum counts and no duplicates."""

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


def duplicates(examples: Sequence[Example]) -> list[tuple[str, str, float]]:
    """Pairs of examples whose normalised texts are identical or nearly so."""
    texts = [normalise(e.text) for e in examples]
    found = []
    for i, text in enumerate(texts):
        if i + 1 >= len(texts):
            break
        for _match, ratio, j in process.extract(
            text, texts[i + 1 :], scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE_RATIO, limit=None
        ):
            found.append((examples[i].text, examples[i + 1 + j].text, ratio))
    return found
