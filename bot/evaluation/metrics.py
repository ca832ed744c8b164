"""Per-flag precision/recall/F1 and the other screening scores of a prediction file."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.contract import FLAG_IDS


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives of one label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def add(self, gold: bool, predicted: bool) -> Counts:
        return Counts(
            self.tp + (gold and predicted),
            self.fp + (predicted and not gold),
            self.fn + (gold and not predicted),
        )

    def as_dict(self) -> dict[str, float]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "support": self.support,
        }


def score(
    gold: Iterable[Mapping[str, Any]], predicted: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """Compare predictions with gold labels, matched by `id`."""
    by_id = {p.get("id"): p for p in predicted if "error" not in p}
    flags = {flag: Counts() for flag in FLAG_IDS}
    urgent, about_other = Counts(), Counts()
    stage_right = country_right = total = harmless = harmless_flagged = 0
    stage_gold: list[str] = []
    stage_guess: list[str] = []
    for item in gold:
        guess = by_id.get(item["id"], {})
        total += 1
        gold_flags, guess_flags = set(item.get("flags", [])), set(guess.get("flags", []))
        for flag in FLAG_IDS:
            flags[flag] = flags[flag].add(flag in gold_flags, flag in guess_flags)
        urgent = urgent.add(bool(item.get("urgent")), bool(guess.get("urgent")))
        about_other = about_other.add(bool(item.get("about_other")), bool(guess.get("about_other")))
        stage_right += item.get("stage") == guess.get("stage")
        stage_gold.append(str(item.get("stage")))
        stage_guess.append(str(guess.get("stage", "none")))
        country_right += item.get("country") == guess.get("country")
        if not gold_flags and not item.get("urgent"):
            harmless += 1
            harmless_flagged += bool(guess_flags) or bool(guess.get("urgent"))
    micro = Counts(
        sum(c.tp for c in flags.values()),
        sum(c.fp for c in flags.values()),
        sum(c.fn for c in flags.values()),
    )
    macro_f1 = sum(c.f1 for c in flags.values()) / len(flags)
    return {
        "messages": total,
        "flags": {flag: counts.as_dict() for flag, counts in flags.items()},
        "flag_micro": micro.as_dict(),
        "flag_macro_f1": round(macro_f1, 3),
        "urgent": urgent.as_dict(),
        "urgent_said": urgent.tp + urgent.fp,
        "about_other": about_other.as_dict(),
        "stage_accuracy": round(stage_right / total, 3) if total else 0.0,
        "stage": multiclass(stage_gold, stage_guess),
        "country_accuracy": round(country_right / total, 3) if total else 0.0,
        "harmless_messages": harmless,
        "harmless_flagged_rate": round(harmless_flagged / harmless, 3) if harmless else 0.0,
    }


def multiclass(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Accuracy, per-class precision/recall/F1/support and the confusion matrix of a
    single-label task (stage, intent): `confusion[i][j]` counts gold `labels[i]` predicted
    as `labels[j]`."""
    labels = sorted(set(gold) | set(predicted))
    index = {label: i for i, label in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    per_label = {label: Counts() for label in labels}
    for truth, guess in zip(gold, predicted):
        confusion[index[truth]][index[guess]] += 1
        for label in labels:
            per_label[label] = per_label[label].add(truth == label, guess == label)
    supported = [c for c in per_label.values() if c.support]
    return {
        "accuracy": round(sum(g == p for g, p in zip(gold, predicted)) / len(gold), 3)
        if gold
        else 0.0,
        "macro_f1": round(sum(c.f1 for c in supported) / len(supported), 3) if supported else 0.0,
        "labels": labels,
        "per_label": {label: counts.as_dict() for label, counts in per_label.items()},
        "confusion": confusion,
    }


def format_table(report: Mapping[str, Any]) -> str:
    """A short plain-text table of a score report."""
    lines = [f"{'label':24s} {'P':>6s} {'R':>6s} {'F1':>6s} {'n':>5s}"]
    rows = list(report["flags"].items()) + [
        ("flags (micro)", report["flag_micro"]),
        ("urgent", report["urgent"]),
        ("about_other", report["about_other"]),
    ]
    for name, row in rows:
        p, r, f1, n = row["precision"], row["recall"], row["f1"], row["support"]
        lines.append(f"{name:24s} {p:6.2f} {r:6.2f} {f1:6.2f} {n:5d}")
    lines.append(
        f"flag macro F1 {report['flag_macro_f1']:.3f}"
        f"   stage accuracy {report['stage_accuracy']:.3f}"
        f"   country accuracy {report['country_accuracy']:.3f}"
    )
    lines.append(
        f"harmless messages given a flag or urgent: {report['harmless_flagged_rate']:.3f}"
        f" of {report['harmless_messages']}"
    )
    return "\n".join(lines)


def headline_figures(report: Mapping[str, Any]) -> dict[str, float | None]:
    """The figures issue 12's targets are written in, from a `score` report; None where
    there is nothing to measure (no harmless message, no urgent message, none said urgent)."""
    return {
        "flag_micro_f1": report["flag_micro"]["f1"],
        "harmless_flagged_rate": report["harmless_flagged_rate"]
        if report["harmless_messages"]
        else None,
        "urgent_recall": report["urgent"]["recall"] if report["urgent"]["support"] else None,
        "urgent_precision": report["urgent"]["precision"] if report.get("urgent_said", 1) else None,
    }


def ad_figures(
    gold: Iterable[Mapping[str, Any]], predicted: Iterable[Mapping[str, Any]]
) -> dict[str, float | int]:
    """For job ads (items with `ad_kind` "legit" or "scam"): the share of legitimate ads
    given at least one flag, and the share of scam ads given at least one flag. Empty when
    no item has an `ad_kind`."""
    by_id = {p.get("id"): p for p in predicted if "error" not in p}
    flagged: dict[str, list[bool]] = {"legit": [], "scam": []}
    for item in gold:
        kind = item.get("ad_kind")
        if kind in flagged:
            flagged[kind].append(bool(by_id.get(item["id"], {}).get("flags")))
    if not flagged["legit"] and not flagged["scam"]:
        return {}
    legit, scam = flagged["legit"], flagged["scam"]
    return {
        "legit_ads": len(legit),
        "legit_ads_flagged_rate": round(sum(legit) / len(legit), 3) if legit else 0.0,
        "scam_ads": len(scam),
        "scam_ads_flagged_rate": round(sum(scam) / len(scam), 3) if scam else 0.0,
    }
