"""Did it get better? A run's scores against the accepted baseline (`eval/baseline.json`):
what rose and what fell, per flag, and which messages flipped from right to wrong (and
back). What `STRICT=1` refuses is decided in `bot/evaluation/noise.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.contract import FLAG_IDS

# The binary labels scored per message: the red flags, then urgent and about_other.
BINARY_LABELS: tuple[str, ...] = (*FLAG_IDS, "urgent", "about_other")
# What the overall figures are, in words.
OVERALL_NAMES = {
    "flag_micro_f1": "red flags, micro F1",
    "flag_macro_f1": "red flags, macro F1",
    "stage_accuracy": "stage accuracy",
    "harmless_flagged_rate": "false alarms on harmless messages (lower is better)",
    "intent_accuracy": "intent accuracy (held-out fifth of the training data)",
}
# Overall figures, with whether a higher value is better.
OVERALL: tuple[tuple[str, bool], ...] = (
    ("flag_micro_f1", True),
    ("flag_macro_f1", True),
    ("stage_accuracy", True),
    ("harmless_flagged_rate", False),
    ("intent_accuracy", True),
)
UNCHANGED = 0.0005


def wrong_labels(gold: Mapping[str, Any], guess: Mapping[str, Any]) -> list[str]:
    """What one prediction got wrong: `flag:<id>` for each missed or false flag, and
    `urgent`, `about_other`, `stage` when those differ from the gold label."""
    gold_flags, guess_flags = set(gold.get("flags") or ()), set(guess.get("flags") or ())
    wrong = [f"flag:{flag}" for flag in sorted(gold_flags ^ guess_flags)]
    for key in ("urgent", "about_other"):
        if bool(gold.get(key)) != bool(guess.get(key)):
            wrong.append(key)
    if gold.get("stage") != guess.get("stage"):
        wrong.append("stage")
    return wrong


def describe_wrong(gold: Mapping[str, Any], guess: Mapping[str, Any]) -> list[str]:
    """What one prediction got wrong, in words ("missed documents_confiscated",
    "false alarm: urgent", "stage in_situ taken for exited")."""
    gold_flags, guess_flags = set(gold.get("flags") or ()), set(guess.get("flags") or ())
    words = [f"missed {flag}" for flag in sorted(gold_flags - guess_flags)]
    words += [f"false alarm: {flag}" for flag in sorted(guess_flags - gold_flags)]
    for key in ("urgent", "about_other"):
        if bool(gold.get(key)) and not guess.get(key):
            words.append(f"missed {key}")
        elif guess.get(key) and not gold.get(key):
            words.append(f"false alarm: {key}")
    if gold.get("stage") != guess.get("stage"):
        words.append(f"stage {gold.get('stage')} taken for {guess.get('stage')}")
    return words


def outcomes(
    gold: Iterable[Mapping[str, Any]], predicted: Iterable[Mapping[str, Any]]
) -> dict[str, list[str]]:
    """The wrong labels of every message that has any, by message id."""
    by_id = {p.get("id"): p for p in predicted}
    found = {}
    for item in gold:
        wrong = wrong_labels(item, by_id.get(item["id"], {}))
        if wrong:
            found[str(item["id"])] = wrong
    return found


def summary(report: Mapping[str, Any], intent_accuracy: float | None = None) -> dict[str, Any]:
    """The figures a baseline keeps of a score report (`bot.evaluation.metrics.score`)."""
    labels = {flag: dict(report["flags"][flag]) for flag in report["flags"]}
    labels["urgent"] = dict(report["urgent"])
    labels["about_other"] = dict(report["about_other"])
    overall = {
        "flag_micro_f1": report["flag_micro"]["f1"],
        "flag_macro_f1": report["flag_macro_f1"],
        "stage_accuracy": report["stage_accuracy"],
        "harmless_flagged_rate": report["harmless_flagged_rate"],
    }
    if intent_accuracy is not None:
        overall["intent_accuracy"] = intent_accuracy
    return {"labels": labels, "overall": overall}


def compare(
    current: Mapping[str, Any],
    baseline: Mapping[str, Any] | None,
    texts: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Rows of what rose and fell, and the messages that flipped.

    `current` and `baseline` hold `summary` (see `summary`) and `wrong` (see `outcomes`).
    """
    texts = texts or {}
    if not baseline:
        return {"has_baseline": False, "labels": [], "overall": [], "flipped": [], "fixed": []}
    before_labels = baseline["summary"]["labels"]
    rows = []
    for label, after in current["summary"]["labels"].items():
        before = before_labels.get(label)
        rows.append(_row(label, before and before["f1"], after["f1"], True, after, before))
    overall = []
    before_overall = baseline["summary"].get("overall", {})
    for name, higher_is_better in OVERALL:
        if name in current["summary"]["overall"]:
            after = current["summary"]["overall"][name]
            overall.append(_row(name, before_overall.get(name), after, higher_is_better))
    return {
        "has_baseline": True,
        "accepted_at": baseline.get("accepted_at"),
        "labels": rows,
        "overall": overall,
        "flipped": _flips(current["wrong"], baseline.get("wrong", {}), texts),
        "fixed": _flips(baseline.get("wrong", {}), current["wrong"], texts),
    }


def _row(
    label: str,
    before: float | None,
    after: float,
    higher_is_better: bool,
    scores: Mapping[str, Any] | None = None,
    before_scores: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    if before is None:
        change = "new"
        delta = None
    else:
        delta = round(after - before, 3)
        if abs(delta) < UNCHANGED:
            change = "same"
        else:
            better = delta > 0 if higher_is_better else delta < 0
            change = "rose" if better else "fell"
    row: dict[str, Any] = {
        "label": label,
        "before": before,
        "after": after,
        "delta": delta,
        "change": change,
    }
    if scores is not None:
        row["after_scores"] = dict(scores)
        row["before_scores"] = dict(before_scores) if before_scores else None
    return row


def _flips(
    now_wrong: Mapping[str, Sequence[str]],
    then_wrong: Mapping[str, Sequence[str]],
    texts: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Messages with labels wrong in `now_wrong` that were right in `then_wrong`."""
    flips = []
    for message_id, labels in sorted(now_wrong.items()):
        newly = [label for label in labels if label not in set(then_wrong.get(message_id, ()))]
        if newly:
            flips.append({"id": message_id, "text": texts.get(message_id, ""), "labels": newly})
    return flips


def baseline_from_run(run: Mapping[str, Any], accepted_at: str) -> dict[str, Any]:
    """The small JSON kept in the repository as the accepted baseline."""
    lantern = run["lantern"]
    return {
        "accepted_at": accepted_at,
        "model": run.get("model"),
        "devset": run.get("devset"),
        "summary": lantern["summary"],
        "wrong": lantern["wrong"],
    }


def format_comparison(comparison: Mapping[str, Any], limit: int = 10) -> str:
    """A short plain-text table of what rose and fell, and the first flips."""
    if not comparison.get("has_baseline"):
        return "no accepted baseline yet: `make eval-accept` keeps this run as the baseline"
    lines = [f"compared with the baseline accepted {comparison.get('accepted_at')}:"]
    moved = [r for r in comparison["labels"] + comparison["overall"] if r["change"] != "same"]
    if not moved:
        lines.append("  no score changed")
    for row in sorted(moved, key=lambda r: (r["delta"] is None, r["delta"] or 0)):
        before = "-" if row["before"] is None else f"{row['before']:.3f}"
        delta = "" if row["delta"] is None else f" ({row['delta']:+.3f})"
        lines.append(
            f"  {row['change']:4s} {row['label']:24s} {before} -> {row['after']:.3f}{delta}"
        )
    flipped = comparison["flipped"]
    lines.append(
        f"{len(flipped)} messages flipped from right to wrong, {len(comparison['fixed'])} from"
        " wrong to right"
    )
    for flip in flipped[:limit]:
        text = " ".join(flip["text"].split())[:70]
        what = "; ".join(flip.get("details") or flip["labels"])
        lines.append(f"  {flip['id']}: {what} | {text}")
    return "\n".join(lines)
