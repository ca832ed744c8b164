"""Held-out messages that also stand in the training data, exactly or nearly.

A dev-set message counts as a copy of a training example when, after `comparable` (Unicode
NFKC, case folded, punctuation, symbols and emoji turned into spaces), the two texts are:

- `exact`: the same;
- `near`: alike as wholes (rapidfuzz `ratio` >= NEAR_RATIO): a word changed, added or
  dropped, typos, spelling variants;
- `reordered`: the same words in another order (`ratio` of the word-sorted texts >=
  NEAR_RATIO);
- `contained`: the shorter, at least CONTAINED_MIN_CHARS long and at least half the length
  of the longer, stands nearly whole inside it (`partial_ratio` >= CONTAINED_RATIO): a clause
  added or dropped.

The thresholds were measured on the project's data (`eval/measure_overlap.py`, figures in
docs/evaluation.md): they catch nearly every one-word change, reordering and added clause of
a dev message, while no two distinct messages of a dev set, written on the same topics by
one author, come that close. Short harmless messages ("hi", "thank you so much") are said
the same way everywhere and are allowed (`allowed_short`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

NEAR_RATIO = 85.0
CONTAINED_RATIO = 90.0
CONTAINED_MIN_CHARS = 20
CONTAINED_MIN_SHARE = 0.5
# Below this `ratio` no pair can reach CONTAINED_RATIO with the shorter at least
# CONTAINED_MIN_SHARE of the longer (deleting the rest of the longer costs at most its extra
# length), so `partial_ratio` is only computed above it.
_CONTAINED_PREFILTER = 60.0
# A harmless message (no flag, not urgent) shorter than this may stand in the training data.
SHORT_HARMLESS_CHARS = 25
KINDS = ("exact", "near", "reordered", "contained")


@dataclass(frozen=True)
class Overlap:
    """One held-out message and the training example it copies."""

    dev_id: str
    dev_text: str
    training_text: str
    training_source: str
    kind: str
    score: float


def comparable(text: str) -> str:
    """The text as compared: NFKC, case folded, every punctuation mark, symbol, space or
    control character a single space. Combining marks (Thai, Burmese, Khmer vowels) stay."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    spaced = "".join(" " if unicodedata.category(c)[0] in "PSZC" else c for c in folded)
    return " ".join(spaced.split())


def allowed_short(item: Mapping[str, Any]) -> bool:
    """A greeting, thanks or small talk: short, no flag, not urgent."""
    return (
        len(comparable(str(item.get("text") or ""))) < SHORT_HARMLESS_CHARS
        and not item.get("flags")
        and not item.get("urgent")
    )


def sorted_words(text: str) -> str:
    """The words of a text in alphabetical order (what `reordered` compares)."""
    return " ".join(sorted(text.split()))


def contained_ratio(a: str, b: str, score_cutoff: float = 0.0) -> float:
    """How nearly (0-100) the shorter text stands inside the longer; 0 when the shorter is
    too short or under `score_cutoff`."""
    short, long = sorted((a, b), key=len)
    if len(short) < CONTAINED_MIN_CHARS or len(short) < CONTAINED_MIN_SHARE * len(long):
        return 0.0
    return fuzz.partial_ratio(short, long, score_cutoff=score_cutoff)


def find_overlaps(
    dev_items: Sequence[Mapping[str, Any]],
    training: Sequence[Any],
    workers: int = -1,
) -> list[Overlap]:
    """The dev items (dicts with `id`, `text`, `flags`, `urgent`) that copy a training
    example (objects with `text` and `source`), each with its closest copy, in dev order.
    Short harmless items are skipped (`allowed_short`)."""
    checked = [
        item
        for item in dev_items
        if comparable(str(item.get("text") or "")) and not allowed_short(item)
    ]
    if not checked or not training:
        return []
    dev = [comparable(str(item["text"])) for item in checked]
    train = [comparable(example.text) for example in training]
    exact = {text: j for j, text in reversed(list(enumerate(train)))}
    ratios = process.cdist(
        dev, train, scorer=fuzz.ratio, score_cutoff=_CONTAINED_PREFILTER, workers=workers
    )
    reordered = process.cdist(
        [sorted_words(t) for t in dev],
        [sorted_words(t) for t in train],
        scorer=fuzz.ratio,
        score_cutoff=NEAR_RATIO,
        workers=workers,
    )
    found = []
    for i, (item, text) in enumerate(zip(checked, dev)):
        best: tuple[int, float, str] | None = None
        if text in exact:
            best = (exact[text], 100.0, "exact")
        else:
            j = int(ratios[i].argmax())
            if ratios[i, j] >= NEAR_RATIO:
                best = (j, float(ratios[i, j]), "near")
            else:
                k = int(reordered[i].argmax())
                if reordered[i, k] >= NEAR_RATIO:
                    best = (k, float(reordered[i, k]), "reordered")
                else:
                    best = _best_contained(text, train, [int(c) for c in ratios[i].nonzero()[0]])
        if best:
            j, score, kind = best
            found.append(
                Overlap(str(item["id"]), str(item["text"]), training[j].text,
                        str(getattr(training[j], "source", "")), kind, round(score, 1))
            )  # fmt: skip
    return found


def _best_contained(
    text: str, train: Sequence[str], candidates: Sequence[int]
) -> tuple[int, float, str] | None:
    scored = [(contained_ratio(text, train[j], CONTAINED_RATIO), j) for j in candidates]
    score, j = max(scored, default=(0.0, -1))
    return (j, score, "contained") if score >= CONTAINED_RATIO else None
