"""Measure the thresholds of `make validate`'s overlap check (bot/evaluation/overlap.py).

Run from the project folder: `scripts/venv-run python eval/measure_overlap.py`.

- Near copies: every dev message (25 to 400 characters) is edited the ways a copy drifts
  (case and punctuation, one word replaced, dropped or added, two neighbouring words swapped,
  two typos, a clause added, the last quarter dropped; for scripts written without spaces,
  two characters replaced) and checked against its original: the share caught per edit.
- Distinct messages: every pair of messages inside one dev set (one author, the same topics,
  no copies): how close the closest pairs come on each measure, and how many the check
  would refuse.
- Training data: what the check finds between data/nlu and every dev set.
"""

import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from rapidfuzz import fuzz, process  # noqa: E402

from bot.evaluation.devsets import dev_sets, load_items  # noqa: E402
from bot.evaluation.overlap import (  # noqa: E402
    CONTAINED_RATIO,
    NEAR_RATIO,
    SHORT_HARMLESS_CHARS,
    comparable,
    contained_ratio,
    find_overlaps,
    sorted_words,
)

SEED = 12


class Text:
    """A stand-in training example."""

    def __init__(self, text: str, source: str = "") -> None:
        self.text, self.source = text, source


def edits(text: str, vocabulary: list[str], rng: random.Random) -> dict[str, str]:
    """The drifted copies of one message."""
    words = text.split()
    out = {"case_punctuation": text.upper().replace(" ", ", ", 1) + "!!"}
    if len(words) >= 4:
        i = rng.randrange(len(words))
        j = rng.randrange(len(words) - 1)
        swapped = words[:]
        swapped[j], swapped[j + 1] = swapped[j + 1], swapped[j]
        out |= {
            "replace_one_word": " ".join(words[:i] + [rng.choice(vocabulary)] + words[i + 1 :]),
            "drop_one_word": " ".join(words[:i] + words[i + 1 :]),
            "add_one_word": " ".join(words[:i] + [rng.choice(vocabulary)] + words[i:]),
            "swap_two_words": " ".join(swapped),
            "add_a_clause": text + " " + " ".join(rng.choice(vocabulary) for _ in range(4)),
            "drop_last_quarter": " ".join(words[: len(words) - max(1, len(words) // 4)]),
        }
    else:  # Thai, Khmer, Burmese, Chinese: few spaces
        k = rng.randrange(len(text) - 2)
        out["replace_two_characters"] = text[:k] + "ab" + text[k + 2 :]
    chars = list(text)
    for _ in range(2):
        k = rng.randrange(len(chars) - 1)
        chars[k], chars[k + 1] = chars[k + 1], chars[k]
    out["two_typos"] = "".join(chars)
    return out


def near_copies(items: list[dict], vocabulary: list[str]) -> None:
    rng = random.Random(SEED)
    caught: Counter = Counter()
    total: Counter = Counter()
    for item in items:
        text = comparable(item["text"])
        if not SHORT_HARMLESS_CHARS <= len(text) <= 400:
            continue
        for kind, edited in edits(text, vocabulary, rng).items():
            total[kind] += 1
            caught[kind] += bool(find_overlaps([item | {"text": edited}], [Text(item["text"])], 1))
    print("near copies caught (edited dev message against its original):")
    for kind in total:
        print(
            f"  {kind:24s} {caught[kind]:4d} of {total[kind]:4d}  {caught[kind] / total[kind]:.3f}"
        )


def distinct_pairs(name: str, items: list[dict]) -> None:
    texts = [comparable(item["text"]) for item in items]
    ratio = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=60, workers=-1)
    ordered = [sorted_words(t) for t in texts]
    resorted = process.cdist(ordered, ordered, scorer=fuzz.ratio, score_cutoff=60, workers=-1)
    best = {"ratio": (0.0, "", ""), "reordered": (0.0, "", ""), "contained": (0.0, "", "")}
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            values = {
                "ratio": ratio[i, j],
                "reordered": resorted[i, j],
                "contained": contained_ratio(texts[i], texts[j]) if ratio[i, j] else 0.0,
            }
            for measure, value in values.items():
                if value > best[measure][0]:
                    best[measure] = (float(value), items[i]["id"], items[j]["id"])
    refused = sum(
        1
        for i, item in enumerate(items)
        if find_overlaps([item], [Text(x["text"]) for x in items[:i] + items[i + 1 :]], -1)
    )
    pairs = len(items) * (len(items) - 1) // 2
    print(f"{name}: {len(items)} messages, {pairs} distinct pairs; refused: {refused} messages")
    for measure, (value, a, b) in best.items():
        shown = f"{value:5.1f}  ({a} / {b})" if value else "below 60"
        print(f"  closest by {measure:10s} {shown}")


def main() -> int:
    from bot.nlu.dataset import load_examples

    training = load_examples()
    sets = [(info.name, load_items(info.path)) for info in dev_sets()]
    print(f"thresholds: near/reordered {NEAR_RATIO:.0f}, contained {CONTAINED_RATIO:.0f}")
    vocabulary = sorted({w for e in training for w in comparable(e.text).split() if len(w) > 2})
    near_copies([item for _name, items in sets for item in items], vocabulary)
    for name, items in sets:
        distinct_pairs(name, items)
    print("training data against every dev set:")
    for name, items in sets:
        for found in find_overlaps(items, training):
            print(f"  {name} {found.dev_id} {found.kind} {found.score:.0f}: {found.dev_text!r}"
                  f" | {found.training_source}: {found.training_text.strip()!r}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
