"""How far a dev set's figures move by chance, and the falls `make eval STRICT=1` refuses.

Each guarded figure (a flag's F1, `urgent` recall, per language for the multilingual set,
the two job-ad shares) gets a bootstrap standard error: the messages of the set are drawn
again with replacement BOOTSTRAP_SAMPLES times (fixed seed) and the figure recomputed. A
later run fails STRICT only when the figure fell below the accepted baseline by more than
the baseline's margin: twice that standard error, and never less than what one message more
or less right would change, nor less than MIN_MARGIN. (At 0 or 1 the bootstrap sees no
spread at all, so without the one-message floor a single message could fail CI.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from bot.contract import FLAG_IDS

BOOTSTRAP_SAMPLES = 1000
SEED = 12
MIN_MARGIN = 0.02


@dataclass(frozen=True)
class Guarded:
    """One guarded figure of one dev set."""

    value: float
    se: float
    margin: float
    higher_is_better: bool
    support: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


Counts = dict[str, np.ndarray]  # per-message 0/1 arrays: tp, fp, fn (or hit, of)


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    """F1 = 2tp / (2tp + fp + fn); undefined (NaN, left out of the spread) for a bootstrap
    sample that drew no message with the flag and none given it."""
    denominator = 2 * tp + fp + fn
    return np.divide(
        2 * tp, denominator, out=np.full_like(denominator, np.nan), where=denominator > 0
    )


def _share(hit: np.ndarray, of: np.ndarray) -> np.ndarray:
    return np.divide(hit, of, out=np.full_like(of, np.nan), where=of > 0)


def _f1_drop(tp: float, fp: float, fn: float) -> float:
    """What F1 loses when one more of its messages goes wrong (a hit becomes a miss)."""
    now = float(_f1(np.array(tp), np.array(fp), np.array(fn)))
    if tp < 1 or np.isnan(now):
        return 0.0
    return now - float(_f1(np.array(tp - 1.0), np.array(fp), np.array(fn + 1.0)))


def guard(
    counts: Counts,
    figure: Callable[..., np.ndarray],
    one_message: Callable[..., float],
    weights: np.ndarray,
    higher_is_better: bool,
    support: int,
) -> Guarded:
    """The figure on the set, its bootstrap standard error and the margin."""
    names = list(counts)
    value = float(figure(*(counts[name].sum() * 1.0 for name in names)))
    samples = figure(*(weights @ counts[name] for name in names))
    samples = samples[~np.isnan(samples)]
    se = float(np.std(samples, ddof=1)) if samples.size > 1 else 0.0
    floor = one_message(*(float(counts[name].sum()) for name in names))
    margin = max(2 * se, floor, MIN_MARGIN)
    return Guarded(round(value, 3), round(se, 3), round(margin, 3), higher_is_better, support)


def bootstrap_weights(messages: int, samples: int = BOOTSTRAP_SAMPLES, seed: int = SEED):
    """How often each message is drawn in each bootstrap sample (samples x messages)."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(messages, [1.0 / messages] * messages, size=samples).astype(float)


def _flag_counts(pairs: Sequence[tuple[Mapping, Mapping]], flags: Iterable[str]) -> Counts:
    gold = np.array([[f in set(g.get("flags") or ()) for f in flags] for g, _ in pairs], float)
    said = np.array([[f in set(p.get("flags") or ()) for f in flags] for _, p in pairs], float)
    gold = gold.reshape(len(pairs), -1)
    said = said.reshape(len(pairs), -1)
    return {"tp": gold * said, "fp": (1 - gold) * said, "fn": gold * (1 - said)}


def guarded_figures(
    gold: Sequence[Mapping[str, Any]],
    predicted: Iterable[Mapping[str, Any]],
    by_language: bool = False,
    samples: int = BOOTSTRAP_SAMPLES,
) -> dict[str, Guarded]:
    """Every guarded figure of one dev set, by name ("documents_confiscated F1", "urgent
    recall", "vi urgent recall", "legit ads flagged", ...). Figures with no support (no
    message has the flag, no urgent message) are not guarded."""
    by_id = {p.get("id"): p for p in predicted if "error" not in p}
    pairs = [(item, by_id.get(item["id"], {})) for item in gold]
    if not pairs:
        return {}
    weights = bootstrap_weights(len(pairs), samples)
    found: dict[str, Guarded] = {}
    flags = _flag_counts(pairs, FLAG_IDS)
    for column, flag in enumerate(FLAG_IDS):
        counts = {name: array[:, column] for name, array in flags.items()}
        support = int(counts["tp"].sum() + counts["fn"].sum())
        if support:
            found[f"{flag} F1"] = guard(counts, _f1, _f1_drop, weights, True, support)
    found.update(_urgent_recall("", pairs, weights))
    found.update(_ad_shares(pairs, weights))
    if by_language:
        for language in sorted({str(item.get("language")) for item, _ in pairs}):
            mask = np.array([str(item.get("language")) == language for item, _ in pairs], float)
            found.update(_language_figures(language, pairs, mask, flags, weights))
    return found


def _urgent_recall(prefix: str, pairs, weights, mask=None) -> dict[str, Guarded]:
    gold = np.array([bool(g.get("urgent")) for g, _ in pairs], float)
    said = np.array([bool(p.get("urgent")) for _, p in pairs], float)
    if mask is not None:
        gold = gold * mask
    support = int(gold.sum())
    if not support:
        return {}
    counts = {"hit": gold * said, "of": gold}
    return {
        f"{prefix}urgent recall": guard(
            counts, _share, lambda hit, of: 1.0 / of, weights, True, support
        )
    }


def _language_figures(language: str, pairs, mask, flags: Counts, weights) -> dict[str, Guarded]:
    micro = {name: array.sum(axis=1) * mask for name, array in flags.items()}
    support = int(micro["tp"].sum() + micro["fn"].sum())
    found = {}
    if support:
        found[f"{language} flag micro-F1"] = guard(micro, _f1, _f1_drop, weights, True, support)
    found.update(_urgent_recall(f"{language} ", pairs, weights, mask))
    return found


def _ad_shares(pairs, weights) -> dict[str, Guarded]:
    flagged = np.array([bool(p.get("flags")) for _, p in pairs], float)
    found = {}
    for kind, name, higher_is_better in (
        ("legit", "legit ads flagged", False),
        ("scam", "scam ads flagged", True),
    ):
        of = np.array([item.get("ad_kind") == kind for item, _ in pairs], float)
        if of.sum():
            counts = {"hit": flagged * of, "of": of}
            found[name] = guard(
                counts, _share, lambda hit, of: 1.0 / of, weights, higher_is_better, int(of.sum())
            )
    return found


def regressions(
    current: Mapping[str, Mapping[str, Mapping[str, Any]]],
    baseline: Mapping[str, Mapping[str, Mapping[str, Any]]],
) -> list[str]:
    """The guarded figures, per dev set, that fell below the baseline by more than the
    baseline's margin, in words. Sets or figures missing on either side are skipped."""
    failures = []
    for set_name, accepted in baseline.items():
        now = current.get(set_name) or {}
        for key, before in accepted.items():
            after = now.get(key)
            if after is None:
                continue
            fall = before["value"] - after["value"]
            if not before["higher_is_better"]:
                fall = -fall
            if fall > before["margin"] + 1e-9:
                failures.append(
                    f"{set_name}: {key} {before['value']:.3f} -> {after['value']:.3f} "
                    f"(worse by {fall:.3f}; noise margin {before['margin']:.3f})"
                )
    return failures
