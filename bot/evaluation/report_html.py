"""One self-contained HTML page of an evaluation run: tables, and plots drawn with
matplotlib and embedded as base64 PNG, so the page opens from disk with no server."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping, Sequence
from typing import Any

from bot.contract import FLAG_IDS
from bot.evaluation.compare import BINARY_LABELS, OVERALL_NAMES
from bot.evaluation.devsets import FIGURE_NAMES

STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
.rose{color:#06722b;font-weight:600}.fell{color:#b00020;font-weight:600}.new{color:#555}
.note{color:#555;font-size:.92em}
.met{color:#06722b}.miss{color:#b00020;font-weight:600}
.box{background:#f7f7f7;padding:.6em 1em;border-radius:6px}
img{max-width:100%}
"""


def render(run: Mapping[str, Any]) -> str:
    """The whole page."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Lantern evaluation</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Lantern evaluation</h1>",
        _intro(run),
        _dev_sets_section(run),
        "<h2>Contract English set in detail</h2><p class='note'>The sections below are about "
        "<code>eval/devset.jsonl</code> only, as before the other dev sets existed.</p>",
        _comparison_section(run.get("comparison") or {}),
        _flags_section(run),
        _other_labels_section(run),
        _intents_section(run.get("intents") or {}),
        _histogram_section(run),
        _core_section(run.get("core") or {}),
        "</body></html>",
    ]
    return "\n".join(parts)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "<td class='n'>-</td>"
    if isinstance(value, float):
        return f"<td class='n'>{value:.{digits}f}</td>"
    return f"<td class='n'>{_e(value)}</td>"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _intro(run: Mapping[str, Any]) -> str:
    devset = run.get("devset") or {}
    sets = (
        ", ".join(f"{r['path']} ({r['messages']})" for r in run.get("dev_sets") or [])
        or "the contract set only"
    )
    lantern = run["lantern"]["scores"]
    keyword = run["keyword"]["scores"]
    return (
        "<div class='box'>"
        f"<p>Run of {_e(run.get('generated_at'))}, model <code>{_e(run.get('model'))}</code>. "
        f"Dev sets: {_e(sets)}. On the contract English set, <code>{_e(devset.get('path'))}"
        f"</code> ({_e(devset.get('messages'))} messages written apart from the training data "
        "but with it in mind, so it overstates):</p>"
        f"<p>Red flags, micro F1: <b>{lantern['flag_micro']['f1']:.2f}</b> "
        f"(keyword floor {keyword['flag_micro']['f1']:.2f}); "
        f"harmless messages given a flag or urgent: <b>{lantern['harmless_flagged_rate']:.0%}</b> "
        f"of {lantern['harmless_messages']} (keyword floor "
        f"{keyword['harmless_flagged_rate']:.0%}).</p>"
        "<p class='note'>How to read this page: docs/evaluation.md. F1 is the balance of "
        "precision (of the messages given a label, how many had it) and recall (of the "
        "messages that had it, how many were found). Support is how many held-out messages "
        "have the label: with a support under 10, one message moves F1 a lot.</p></div>"
    )


def _met_cell(row: Mapping[str, Any] | None) -> str:
    if not row:
        return "<td></td><td></td>"
    met = row["met"]
    word, css = {True: ("met", "met"), False: ("not met", "miss"), None: ("-", "")}[met]
    return f"<td class='n'>{_e(row['target'])}</td><td class='{css}'>{word}</td>"


def _dev_sets_section(run: Mapping[str, Any]) -> str:
    records = run.get("dev_sets") or []
    if not records:
        return ""
    strict = run.get("strict") or {}
    out = ["<h2>Each dev set against issue 12's targets</h2>"]
    if strict.get("failures"):
        items = "".join(f"<li>{_e(f)}</li>" for f in strict["failures"])
        out.append(
            "<p class='miss'>Fell below the accepted baseline by more than their noise "
            f"(<code>STRICT=1</code> fails):</p><ul>{items}</ul>"
        )
    elif strict.get("has_baseline"):
        out.append(
            f"<p>No guarded figure fell beyond its noise since the baseline accepted "
            f"{_e(strict.get('accepted_at'))}.</p>"
        )
    for record in records:
        out.append(_dev_set(record))
    return "\n".join(out)


def _dev_set(record: Mapping[str, Any]) -> str:
    targets = {row["figure"]: row for row in record["targets"]}
    before = record.get("baseline_figures") or {}
    keyword = record["keyword_figures"]
    rows = [
        [
            f"<td>{_e(FIGURE_NAMES[name])}</td>",
            _num(value, 3),
            _num(keyword.get(name), 3),
            _num(before.get(name), 3),
            _met_cell(targets.get(name)),
        ]  # fmt: skip
        for name, value in record["figures"].items()
        if name in FIGURE_NAMES
    ]
    out = [
        f"<h3>{_e(record['title'])}</h3>",
        f"<p class='note'><code>{_e(record['path'])}</code>, {record['messages']} messages.</p>",
        _table(["figure", "Lantern", "keyword floor", "baseline", "target", ""], rows),
    ]
    if record.get("languages"):
        out.append(_languages(record["languages"]))
    out.append(_set_flags(record))
    flipped = (record.get("comparison") or {}).get("flipped") or []
    if flipped:
        out.append(
            f"<details><summary>{len(flipped)} messages flipped from right to wrong since the "
            "baseline</summary>" + _flip_table("", flipped[:100]) + "</details>"
        )
    return "\n".join(out)


def _languages(languages: Mapping[str, Any]) -> str:
    names = ("flag_micro_f1", "harmless_flagged_rate", "urgent_recall", "urgent_precision")
    rows = []
    for language, entry in languages.items():
        targets = {row["figure"]: row for row in entry["targets"]}
        row = [f"<td>{_e(language)}</td>", _num(entry["messages"])]
        for name in names:
            target = targets.get(name)
            css = {True: " met", False: " miss"}.get(target["met"], "") if target else ""
            mark = f" ({target['target']})" if target else ""
            value = entry["figures"][name]
            shown = "-" if value is None else f"{value:.3f}"
            row.append(f"<td class='n{css}'>{shown}{_e(mark)}</td>")
        rows.append(row)
    flags = [
        [f"<td>{_e(flag)}</td>"]
        + [_num(entry["scores"]["flags"][flag]["f1"]) for entry in languages.values()]
        for flag in FLAG_IDS
    ]
    return (
        "<p>Per language (targets in brackets):</p>"
        + _table(["language", "messages", *(FIGURE_NAMES[n] for n in names)], rows)
        + "<p>F1 per flag and language:</p>"
        + _table(["flag", *languages], flags)
    )


def _set_flags(record: Mapping[str, Any]) -> str:
    scores = record["scores"]
    guarded = record.get("baseline_guarded") or {}
    rows = []
    for label in (*FLAG_IDS, "urgent"):
        ours = scores["flags"].get(label) or scores.get(label)
        accepted = guarded.get(f"{label} F1" if label != "urgent" else "urgent recall") or {}
        rows.append(
            [
                f"<td>{_e(label)}</td>",
                _num(ours["precision"]),
                _num(ours["recall"]),
                _num(ours["f1"]),
                _num(ours["support"]),
                _num(accepted.get("value")),
                _num(accepted.get("margin")),
            ]  # fmt: skip
        )
    headers = ["label", "precision", "recall", "F1", "support",
               "baseline (F1; urgent: recall)", "allowed fall (noise)"]  # fmt: skip
    return _table(headers, rows)


def _comparison_section(comparison: Mapping[str, Any]) -> str:
    out = ["<h2>Did it get better?</h2>"]
    if not comparison.get("has_baseline"):
        out.append(
            "<p>No accepted baseline yet. Run <code>make eval-accept</code> to keep this run "
            "as the baseline the next runs are compared with.</p>"
        )
        return "\n".join(out)
    rows_all = list(comparison["labels"]) + list(comparison["overall"])
    moved = [r for r in rows_all if r["change"] != "same"]
    rose = sum(r["change"] == "rose" for r in moved)
    fell = sum(r["change"] == "fell" for r in moved)
    out.append(
        f"<p>Compared with the baseline accepted {_e(comparison.get('accepted_at'))}: "
        f"<span class='rose'>{rose} rose</span>, <span class='fell'>{fell} fell</span>, "
        f"{len(rows_all) - len(moved)} unchanged.</p>"
    )
    rows = []
    for row in sorted(moved, key=lambda r: (r["delta"] is None, r["delta"] or 0)):
        delta = "-" if row["delta"] is None else f"{row['delta']:+.3f}"
        rows.append(
            [
                f"<td>{_e(OVERALL_NAMES.get(row['label'], row['label']))}</td>",
                _num(row["before"], 3),
                _num(row["after"], 3),
                f"<td class='n {row['change']}'>{_e(delta)}</td>",
                f"<td class='{row['change']}'>{_e(row['change'])}</td>",
            ]
        )
    if rows:
        out.append(_table(["label (F1) or figure", "before", "now", "change", ""], rows))
    out.append(_flip_table("Messages that flipped from right to wrong", comparison["flipped"]))
    out.append(_flip_table("Messages that flipped from wrong to right", comparison["fixed"]))
    return "\n".join(out)


def _flip_table(title: str, flips: Sequence[Mapping[str, Any]]) -> str:
    if not flips:
        return f"<h3>{_e(title)}</h3><p>None.</p>"
    rows = [
        [
            f"<td>{_e(f['id'])}</td>",
            f"<td>{_e('; '.join(f.get('details') or f['labels']))}</td>",
            f"<td>{_e(f['text'])}</td>",
        ]
        for f in flips
    ]
    heading = f"<h3>{_e(title)} ({len(flips)})</h3>" if title else ""
    return heading + _table(["id", "what", "message"], rows)


def _flags_section(run: Mapping[str, Any]) -> str:
    lantern = run["lantern"]["scores"]
    keyword = run["keyword"]["scores"]
    heldout = run.get("heldout_screening")
    baseline = (run.get("baseline_summary") or {}).get("labels", {})
    rows = []
    for label in BINARY_LABELS:
        ours = _label_scores(lantern, label)
        if ours is None:
            continue
        floor = _label_scores(keyword, label)
        before = baseline.get(label, {}).get("f1") if baseline else None
        row = [
            f"<td>{_e(label)}</td>",
            _num(ours["precision"]),
            _num(ours["recall"]),
            _num(ours["f1"]),
            _num(ours["support"]),
            _num(before),
            _num(floor["f1"] if floor else None),
        ]
        if heldout:
            other = _label_scores(heldout, label)
            row.append(_num(other["f1"] if other else None))
        rows.append(row)
    headers = ["label", "precision", "recall", "F1", "support", "F1 baseline", "F1 keyword floor"]
    if heldout:
        headers.append("F1 held-out fifth of the training data")
    note = (
        "<p class='note'>The last column is a second view: the same model type trained on "
        "four fifths of the training data and scored on the fifth it never saw (optimistic: "
        "rewordings of one message can fall on both sides).</p>"
        if heldout
        else ""
    )
    return "<h2>Per flag</h2>" + _image(_flag_bars(run)) + _table(headers, rows) + note


def _label_scores(report: Mapping[str, Any], label: str) -> Mapping[str, Any] | None:
    return report["flags"].get(label) or report.get(label)


def _other_labels_section(run: Mapping[str, Any]) -> str:
    ours = run["lantern"]["scores"]
    floor = run["keyword"]["scores"]
    figures = (
        ("red flags, micro F1", ours["flag_micro"]["f1"], floor["flag_micro"]["f1"]),
        ("red flags, macro F1", ours["flag_macro_f1"], floor["flag_macro_f1"]),
        ("stage accuracy", ours["stage_accuracy"], floor["stage_accuracy"]),
        ("country accuracy", ours["country_accuracy"], floor["country_accuracy"]),
        (
            "harmless messages given a flag or urgent (false alarms, lower is better)",
            ours["harmless_flagged_rate"],
            floor["harmless_flagged_rate"],
        ),
    )
    rows = [[f"<td>{_e(name)}</td>", _num(a), _num(b)] for name, a, b in figures]
    heldout = run.get("heldout_screening")
    if heldout:
        rows.append(
            [
                "<td>red flags, micro F1 on the held-out fifth of the training data</td>",
                _num(heldout["flag_micro"]["f1"]),
                _num(None),
            ]
        )
    stage = ours.get("stage")
    return (
        "<h2>Stage, overall figures and false alarms</h2>"
        + _table(["figure", "Lantern", "keyword floor"], rows)
        + (_image(_confusion_plot(stage, "Stage (held-out messages)")) if stage else "")
    )


def _intents_section(intents: Mapping[str, Any]) -> str:
    out = ["<h2>Intents</h2>"]
    for key, title, note in (
        (
            "heldout",
            "Held-out fifth of the training data",
            "A model trained on the other four fifths (stratified by intent, fixed seed) "
            "labels these. Rewordings of one message can sit on both sides of the split, so "
            "these figures are optimistic.",
        ),
        (
            "devset",
            "Topic intents of the held-out messages",
            "The held-out messages carry a stage, not an intent; in the training data every "
            "topic intent carries its own stage (describe_offer = prospective, "
            "describe_situation = in_situ, describe_exit = exited, out_of_scope = none), so "
            "the stage gives the expected topic intent.",
        ),
    ):
        report = intents.get(key)
        if not report:
            continue
        out.append(f"<h3>{_e(title)}</h3><p class='note'>{_e(note)}</p>")
        if "skipped" in report:
            out.append(f"<p>Not run: {_e(report['skipped'])}</p>")
            continue
        out.append(f"<p>Accuracy {report['accuracy']:.2f}, macro F1 {report['macro_f1']:.2f}.</p>")
        rows = [
            [f"<td>{_e(label)}</td>"]
            + [_num(scores[k]) for k in ("precision", "recall", "f1", "support")]
            for label, scores in report["per_label"].items()
            if scores["support"]
        ]
        out.append(_table(["intent", "precision", "recall", "F1", "support"], rows))
        out.append(_image(_confusion_plot(report, title)))
    return "\n".join(out)


def _histogram_section(run: Mapping[str, Any]) -> str:
    samples = run["lantern"].get("score_samples")
    if not samples:
        return ""
    return (
        "<h2>Score histograms</h2><p class='note'>The model's score for each flag on each "
        "held-out message, split by whether the message has the flag. Well separated "
        "humps mean confident, right answers; scores near the threshold are the doubtful "
        "cases.</p>" + _image(_histograms(samples))
    )


def _core_section(core: Mapping[str, Any]) -> str:
    out = ["<h2>Dialogue: test stories</h2>"]
    status = core.get("status", "not run")
    if status != "ran":
        out.append(f"<p>{_e(status)}</p>")
        return "\n".join(out)
    out.append(
        f"<p>{core['stories'] - core['failed']} of {core['stories']} test stories passed "
        f"(<code>rasa test core</code> on {_e(core.get('path'))}).</p>"
    )
    if core.get("failed_stories"):
        out.append("<p>Failed: " + ", ".join(_e(name) for name in core["failed_stories"]) + "</p>")
    actions = core.get("actions") or {}
    rows = [
        [f"<td>{_e(name)}</td>"]
        + [_num(scores.get(k)) for k in ("precision", "recall", "f1-score", "support")]
        for name, scores in actions.items()
    ]
    if rows:
        out.append(_table(["action", "precision", "recall", "F1", "support"], rows))
    return "\n".join(out)


# -- plots --------------------------------------------------------------------


def _pyplot():
    import logging
    import warnings

    logging.getLogger("matplotlib").setLevel(logging.ERROR)
    with warnings.catch_warnings():  # matplotlib 3.5 calls pyparsing's old names
        warnings.simplefilter("ignore")
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    return plt


def _image(png: bytes) -> str:
    return f"<p><img alt='plot' src='data:image/png;base64,{base64.b64encode(png).decode()}'></p>"


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    _pyplot().close(figure)
    return buffer.getvalue()


def _flag_bars(run: Mapping[str, Any]) -> bytes:
    plt = _pyplot()
    lantern, keyword = run["lantern"]["scores"], run["keyword"]["scores"]
    baseline = (run.get("baseline_summary") or {}).get("labels", {})
    labels = [label for label in BINARY_LABELS if label in lantern["flags"] or label in lantern]

    def f1(report: Mapping[str, Any], label: str) -> float:
        return (report["flags"].get(label) or report.get(label) or {}).get("f1", 0.0)

    series = [("Lantern", [f1(lantern, x) for x in labels], "#1f77b4")]
    if baseline:
        series.append(("baseline", [baseline.get(x, {}).get("f1", 0.0) for x in labels], "#aec7e8"))
    series.append(("keyword floor", [f1(keyword, x) for x in labels], "#ff7f0e"))
    figure, axis = plt.subplots(figsize=(9, 0.32 * len(labels) + 1.2))
    height = 0.8 / len(series)
    for i, (name, values, colour) in enumerate(series):
        axis.barh(
            [y + i * height for y in range(len(labels))], values, height, label=name, color=colour
        )
    axis.set_yticks([y + height * (len(series) - 1) / 2 for y in range(len(labels))])
    axis.set_yticklabels(labels)
    axis.invert_yaxis()
    axis.set_xlim(0, 1)
    axis.set_xlabel("F1 on the held-out messages")
    axis.legend(loc="lower right")
    return _png(figure)


def _confusion_plot(report: Mapping[str, Any], title: str) -> bytes:
    plt = _pyplot()
    labels, full = report["labels"], report["confusion"]
    rows = [i for i, row in enumerate(full) if sum(row)]  # expected labels that occur
    matrix = [full[i] for i in rows]
    figure, axis = plt.subplots(
        figsize=(max(4.0, 0.55 * len(labels) + 2), max(2.5, 0.55 * len(rows) + 2))
    )
    axis.imshow(matrix, cmap="Blues", aspect="auto")
    axis.set_xticks(range(len(labels)))
    axis.set_yticks(range(len(rows)))
    axis.set_xticklabels(labels, rotation=60, ha="right")
    axis.set_yticklabels([labels[i] for i in rows])
    axis.set_xlabel("predicted")
    axis.set_ylabel("expected")
    axis.set_title(title)
    top = max((max(row) for row in matrix), default=0)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if count:
                colour = "white" if count > top / 2 else "black"
                axis.text(j, i, str(count), ha="center", va="center", color=colour, fontsize=8)
    return _png(figure)


def _histograms(samples: Mapping[str, Sequence[float]]) -> bytes:
    plt = _pyplot()
    figure, axes = plt.subplots(1, 2, figsize=(10, 3.4))
    bins = [i / 20 for i in range(21)]
    for axis, (title, positive, negative) in zip(
        axes,
        (
            ("red flags (all)", samples["flag_positive"], samples["flag_negative"]),
            ("urgent", samples["urgent_positive"], samples["urgent_negative"]),
        ),
    ):
        axis.hist(negative, bins=bins, alpha=0.6, label="message does not have it", color="#999")
        axis.hist(positive, bins=bins, alpha=0.7, label="message has it", color="#d62728")
        axis.set_yscale("log")
        axis.set_title(title)
        axis.set_xlabel("score")
        axis.legend(fontsize=8)
    return _png(figure)
