"""Each dev set scored on its own, next to issue 12's targets, and printed as a table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.evaluation.compare import compare, describe_wrong, outcomes, summary
from bot.evaluation.devsets import FIGURE_NAMES, DevSetInfo, targets_for
from bot.evaluation.metrics import ad_figures, headline_figures, score
from bot.evaluation.noise import guarded_figures


def score_dev_set(
    info: DevSetInfo,
    items: Sequence[Mapping[str, Any]],
    lantern: Sequence[Mapping[str, Any]],
    keyword: Sequence[Mapping[str, Any]],
    baseline: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Figures, per-flag scores, targets, guarded figures with their noise, and the
    comparison with this set's baseline (`baseline` is the set's entry in
    eval/baseline.json, or None)."""
    report = score(items, lantern)
    figures = headline_figures(report) | ad_figures(items, lantern)
    keyword_report = score(items, keyword)
    record: dict[str, Any] = {
        "name": info.name,
        "path": info.relative_path,
        "title": info.title,
        "messages": len(items),
        "figures": figures,
        "keyword_figures": headline_figures(keyword_report) | ad_figures(items, keyword),
        "targets": target_rows(info, figures),
        "scores": report,
        "summary": summary(report),
        "wrong": outcomes(items, lantern),
        "guarded": {
            name: guarded.as_dict()
            for name, guarded in guarded_figures(items, lantern, info.by_language).items()
        },
    }
    if info.by_language:
        record["languages"] = {}
        for language in sorted({str(item.get("language")) for item in items}):
            subset = [item for item in items if str(item.get("language")) == language]
            scores = score(subset, lantern)
            language_figures = headline_figures(scores)
            record["languages"][language] = {
                "messages": len(subset),
                "figures": language_figures,
                "targets": target_rows(info, language_figures, language),
                "scores": scores,
            }
    record["baseline_figures"] = (baseline or {}).get("figures")
    record["baseline_guarded"] = (baseline or {}).get("guarded")
    texts = {str(item["id"]): item["text"] for item in items}
    comparable_baseline = baseline if baseline and "summary" in baseline else None
    record["comparison"] = compare(
        {"summary": record["summary"], "wrong": record["wrong"]}, comparable_baseline, texts
    )
    gold = {str(item["id"]): item for item in items}
    guesses = {str(guess["id"]): guess for guess in lantern}
    for flip in record["comparison"]["flipped"]:
        flip["details"] = describe_wrong(gold[flip["id"]], guesses.get(flip["id"], {}))
    return record


def target_rows(
    info: DevSetInfo, figures: Mapping[str, float], language: str | None = None
) -> list[dict[str, Any]]:
    """One row per target of the set (or of one language): value, bound, met."""
    return [
        {
            "figure": target.figure,
            "language": language,
            "target": target.describe(),
            "value": figures.get(target.figure),
            "met": target.met(figures.get(target.figure)),
        }
        for target in targets_for(info, language).values()
    ]


def baseline_entry(record: Mapping[str, Any]) -> dict[str, Any]:
    """What eval/baseline.json keeps of one set's run."""
    return {
        key: record[key] for key in ("path", "messages", "figures", "guarded", "summary", "wrong")
    }


def _value(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}"


def _met(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: "-"}[met]


def format_set(record: Mapping[str, Any]) -> str:
    """The printed table of one set: its figures against the targets, then per flag."""
    title = f"== {record['title']} ({record['path']}, {record['messages']} messages)"
    lines = [title, f"{'figure':44s} {'Lantern':>8s} {'keyword':>8s} {'target':>8s}  met"]
    targets = {row["figure"]: row for row in record["targets"]}
    keyword = record["keyword_figures"]
    for figure, value in record["figures"].items():
        if figure not in FIGURE_NAMES:
            continue
        row = targets.get(figure)
        lines.append(
            f"{FIGURE_NAMES[figure]:44s} {_value(value):>8s} {_value(keyword.get(figure)):>8s} "
            f"{row['target'] if row else '':>8s}  {_met(row['met']) if row else ''}"
        )
    for language, entry in (record.get("languages") or {}).items():
        figures = entry["figures"]
        met = {row["figure"]: row for row in entry["targets"]}
        cells = []
        for figure in ("flag_micro_f1", "harmless_flagged_rate", "urgent_recall",
                       "urgent_precision"):  # fmt: skip
            mark = f"({_met(met[figure]['met'])})" if figure in met else ""
            cells.append(f"{_value(figures[figure])}{mark}")
        lines.append(
            f"  {language} ({entry['messages']:3d}): micro-F1 {cells[0]}, harmless flagged "
            f"{cells[1]}, urgent recall {cells[2]}, urgent precision {cells[3]}"
        )
    lines.append(f"  {'flag':26s} {'P':>6s} {'R':>6s} {'F1':>6s} {'n':>5s}")
    for flag, row in record["scores"]["flags"].items():
        lines.append(
            f"  {flag:26s} {row['precision']:6.2f} {row['recall']:6.2f} {row['f1']:6.2f}"
            f" {row['support']:5d}"
        )
    return "\n".join(lines)
