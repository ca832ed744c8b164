"""`make eval`: how well the bot screens and talks, measured, and compared with the
accepted baseline. `make eval-accept` keeps the last run as the new baseline.

What is measured (details in docs/evaluation.md):
- every dev set one by one (`bot/evaluation/devsets.py`: the contract English set
  `eval/devset.jsonl` and each `eval/dev/*.jsonl`) next to issue 12's targets: flag micro-F1,
  harmless messages flagged, `urgent` recall and precision, per-flag precision/recall/F1;
  legitimate and scam ads flagged (job ads); the same per language (multilingual); and the
  keyword floor (`bot/evaluation/keyword_baseline.py`) on each;
- on the contract set as before: `about_other`, stage, country, the topic intents, score
  histograms and which messages flipped since the baseline;
- intents: on a held-out fifth of the training data, with a second model trained on the
  other four fifths (cached like the main model); and the topic intents of the devset;
- the dialogue: `rasa test core` on `tests/stories/*.yml` ("no test stories" when none).

Writes `reports/eval/eval.json` and `reports/eval/index.html`, prints the tables, and
exits 1 only when `STRICT=1` and a flag's F1 or `urgent` recall (or a language's, or a
job-ad share) on some dev set fell below the accepted baseline by more than its noise
(`bot/evaluation/noise.py`: twice its bootstrap standard error, with floors). Exits 2 when
a dev set cannot be read or breaks the contract's labels.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from bot.evaluation.compare import (
    baseline_from_run,
    compare,
    describe_wrong,
    format_comparison,
    outcomes,
    summary,
)
from bot.evaluation.devsets import DevSetError, DevSetInfo, dev_sets, label_problems, load_items
from bot.evaluation.keyword_baseline import keyword_predict
from bot.evaluation.metrics import format_table, multiclass, score
from bot.evaluation.noise import regressions
from bot.evaluation.per_set import baseline_entry, format_set, score_dev_set
from bot.evaluation.report_html import render
from bot.ops.screen import prediction_line
from bot.settings import PROJECT_ROOT

DEVSET = PROJECT_ROOT / "eval" / "devset.jsonl"  # the contract English set
BASELINE = PROJECT_ROOT / "eval" / "baseline.json"
REPORT_DIR = PROJECT_ROOT / "reports" / "eval"
STORIES_DIR = PROJECT_ROOT / "tests" / "stories"
TOPIC_INTENT_BY_STAGE = {
    "prospective": "describe_offer",
    "in_situ": "describe_situation",
    "exited": "describe_exit",
    "none": "out_of_scope",
}
HELDOUT_FRACTION = 0.2
SPLIT_SEED = 42


def load_devset(path: Path = DEVSET) -> list[dict[str, Any]]:
    """The labelled held-out messages of one set."""
    return load_items(path)


def load_dev_sets(root: Path = PROJECT_ROOT) -> list[tuple[DevSetInfo, list[dict[str, Any]]]]:
    """Every dev set with its items; DevSetError when one cannot be read or breaks the
    contract's labels (a mislabelled set would be scored wrongly without a word)."""
    loaded = []
    for info in dev_sets(root):
        items = load_items(root / info.relative_path)
        problems = label_problems(items)
        if problems:
            shown = "; ".join(problems[:5]) + (" ..." if len(problems) > 5 else "")
            raise DevSetError(f"{info.relative_path}: {len(problems)} label problems: {shown}")
        loaded.append((info, items))
    return loaded


async def parse_all(model: Path, texts: Sequence[str]) -> list[dict[str, Any]]:
    """Rasa's parse result of each text."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # not one debug line per parsed message
    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def lantern_prediction(message_id: Any, parse: dict[str, Any]) -> dict[str, Any]:
    """The contract's output line plus the intent and every flag's score."""
    line = prediction_line(message_id, parse)
    line["intent"] = (parse.get("intent") or {}).get("name")
    line["all_flag_scores"] = parse.get("flag_scores") or {}
    line["urgent_score"] = parse.get("urgent_score", 0.0)
    return line


def score_samples(gold: Sequence[dict], predicted: Sequence[dict]) -> dict[str, list[float]]:
    """Scores split by whether the message has the label (for the histograms)."""
    samples: dict[str, list[float]] = {
        "flag_positive": [],
        "flag_negative": [],
        "urgent_positive": [],
        "urgent_negative": [],
    }
    for item, guess in zip(gold, predicted):
        for flag, value in (guess.get("all_flag_scores") or {}).items():
            key = "flag_positive" if flag in item.get("flags", []) else "flag_negative"
            samples[key].append(round(float(value), 3))
        key = "urgent_positive" if item.get("urgent") else "urgent_negative"
        samples[key].append(round(float(guess.get("urgent_score") or 0.0), 3))
    return samples


# -- intents on a held-out fifth of the training data ---------------------------------


def heldout_paths() -> tuple[Path, Path]:
    """The split model and its test file, cached by the hash of the training inputs."""
    from bot.ops.modelcache import inputs_hash
    from bot.ops.paths import models_dir

    key = hashlib.sha256(f"{inputs_hash()}:{HELDOUT_FRACTION}:{SPLIT_SEED}".encode()).hexdigest()
    stem = models_dir() / f"heldout-{key[:16]}"
    return stem.with_suffix(".tar.gz"), Path(f"{stem}-test.yml")


def ensure_heldout_model() -> tuple[Path, Path]:
    """Train (once per data version) an NLU model on four fifths of the training data."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.ops.modelcache import rasa_env, rasa_executable
    from bot.ops.paths import var_dir

    model, test_file = heldout_paths()
    if model.exists() and test_file.exists():
        return model, test_file
    train, test = load_data(str(PROJECT_ROOT / "data" / "nlu")).train_test_split(
        train_frac=1 - HELDOUT_FRACTION, random_seed=SPLIT_SEED
    )
    model.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        train_file = Path(scratch) / "train.yml"
        RasaYAMLWriter().dump(train_file, train)
        log = var_dir() / "logs" / "train-heldout.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        print("eval: training the held-out intent model (once per data version)", flush=True)
        command = [rasa_executable(), "train", "nlu", "--config", "config.yml", "--nlu"]
        command += [str(train_file), "--out", str(model.parent)]
        command += ["--fixed-model-name", model.name[: -len(".tar.gz")]]
        with log.open("w") as out:
            done = subprocess.run(
                command, cwd=PROJECT_ROOT, env=rasa_env(), stdout=out, stderr=subprocess.STDOUT
            )
        if done.returncode != 0:
            raise RuntimeError(f"training the held-out model failed; see {log}")
    RasaYAMLWriter().dump(test_file, test)
    return model, test_file


def heldout_evaluation() -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Intent report and screening scores on the held-out fifth of the training data."""
    if os.environ.get("EVAL_HELDOUT", "1") == "0":
        return {"skipped": "EVAL_HELDOUT=0"}, None
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.nlu.targets import targets_from_metadata

    model, test_file = ensure_heldout_model()
    test = [m for m in load_data(str(test_file)).intent_examples if m.get("text")]
    parses = asyncio.run(parse_all(model, [m.get("text") for m in test]))
    intents = multiclass(
        [m.get("intent") for m in test],
        [(p.get("intent") or {}).get("name") or "none" for p in parses],
    )
    gold, predicted = [], []
    for number, (message, parse) in enumerate(zip(test, parses)):
        targets = targets_from_metadata(message.get("metadata"))
        gold.append(
            {
                "id": number,
                "flags": list(targets.flags),
                "urgent": targets.urgent,
                "stage": targets.stage,
                "about_other": targets.about_other,
                "country": None,
            }
        )
        predicted.append(prediction_line(number, parse) | {"country": None})
    return intents, score(gold, predicted)


# -- test stories -------------------------------------------------------------------


def story_files(directory: Path = STORIES_DIR) -> list[Path]:
    """The test story files."""
    return sorted(directory.glob("*.yml")) if directory.is_dir() else []


def core_tests(model: Path, directory: Path = STORIES_DIR) -> dict[str, Any]:
    """`rasa test core` on the test stories, summarised."""
    files = story_files(directory)
    if not files:
        return {"status": "no test stories"}
    from bot.ops.modelcache import rasa_env, rasa_executable

    names = [
        story.get("story")
        for path in files
        for story in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("stories") or []
    ]
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [
                rasa_executable(),
                "test",
                "core",
                "--model",
                str(model),
                "--stories",
                str(directory),
                "--out",
                out,
            ],  # fmt: skip
            cwd=PROJECT_ROOT,
            env=rasa_env(),
            capture_output=True,
            text=True,
        )
        output = done.stdout + done.stderr
        return summarise_core(Path(out), names, done.returncode, output, _shown(directory))


def _shown(path: Path) -> str:
    """A path relative to the project when it is inside it."""
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def summarise_core(
    out: Path, names: list[str], returncode: int, output: str, stories_path: str = "tests/stories"
) -> dict[str, Any]:
    """Stories run and failed, and per-action scores, from `rasa test core`'s files."""
    failed_file = out / "failed_test_stories.yml"
    report_file = out / "story_report.json"
    if not failed_file.exists():
        tail = "\n".join(output.splitlines()[-5:])
        return {"status": f"rasa test core did not run (exit {returncode}): {tail}"}
    failed_data = yaml.safe_load(failed_file.read_text(encoding="utf-8")) or {}
    failed = [s.get("story") for s in failed_data.get("stories") or []] if failed_data else []
    actions = {}
    if report_file.exists():
        report = json.loads(report_file.read_text(encoding="utf-8"))
        actions = {
            name: values
            for name, values in report.items()
            if isinstance(values, dict) and "f1-score" in values and "avg" not in name
        }
    return {
        "status": "ran",
        "path": stories_path,
        "stories": len(names),
        "failed": len(failed),
        "failed_stories": failed,
        "actions": actions,
    }


# -- the run ------------------------------------------------------------------------


def build_run(
    devset: list[dict[str, Any]],
    lantern: list[dict[str, Any]],
    keyword: list[dict[str, Any]],
    model_name: str,
    heldout_intents: dict[str, Any],
    heldout_screening: dict[str, Any] | None,
    core: dict[str, Any],
    baseline: dict[str, Any] | None,
    generated_at: str,
) -> dict[str, Any]:
    """Everything the JSON report and the page show; no Rasa needed."""
    lantern_scores = score(devset, lantern)
    keyword_scores = score(devset, keyword)
    devset_intents = multiclass(
        [TOPIC_INTENT_BY_STAGE[item["stage"]] for item in devset],
        [guess.get("intent") or "none" for guess in lantern],
    )
    intent_accuracy = heldout_intents["accuracy"] if "accuracy" in heldout_intents else None
    current = {
        "summary": summary(lantern_scores, intent_accuracy),
        "wrong": outcomes(devset, lantern),
    }
    texts = {str(item["id"]): item["text"] for item in devset}
    comparison = compare(current, baseline, texts)
    guesses = {str(guess["id"]): guess for guess in lantern}
    for flip in comparison["flipped"]:
        gold = next(item for item in devset if str(item["id"]) == flip["id"])
        flip["details"] = describe_wrong(gold, guesses.get(flip["id"], {}))
    return {
        "generated_at": generated_at,
        "model": model_name,
        "devset": {"path": str(DEVSET.relative_to(PROJECT_ROOT)), "messages": len(devset)},
        "lantern": {
            "scores": lantern_scores,
            "summary": current["summary"],
            "wrong": current["wrong"],
            "score_samples": score_samples(devset, lantern),
        },
        "keyword": {"scores": keyword_scores, "summary": summary(keyword_scores)},
        "intents": {"heldout": heldout_intents, "devset": devset_intents},
        "heldout_screening": heldout_screening,
        "core": core,
        "baseline_summary": (baseline or {}).get("summary"),
        "comparison": comparison,
    }


def add_dev_sets(
    run: dict[str, Any],
    sets: list[tuple[DevSetInfo, list[dict[str, Any]]]],
    lantern: dict[str, list[dict[str, Any]]],
    keyword: dict[str, list[dict[str, Any]]],
    baseline: dict[str, Any] | None,
) -> dict[str, Any]:
    """The run with every dev set scored on its own (`dev_sets`) and what `STRICT=1`
    would refuse (`strict`: the guarded figures that fell by more than their noise)."""
    accepted = (baseline or {}).get("sets") or {}
    records = [
        score_dev_set(info, items, lantern[info.name], keyword[info.name], accepted.get(info.name))
        for info, items in sets
    ]
    current = {record["name"]: record["guarded"] for record in records}
    before = {name: entry.get("guarded") or {} for name, entry in accepted.items()}
    run["dev_sets"] = records
    run["strict"] = {
        "has_baseline": bool(accepted),
        "accepted_at": (baseline or {}).get("accepted_at"),
        "failures": regressions(current, before),
    }
    return run


def write_outputs(run: dict[str, Any], directory: Path = REPORT_DIR) -> tuple[Path, Path]:
    """`eval.json` and the self-contained `index.html`."""
    directory.mkdir(parents=True, exist_ok=True)
    json_path, html_path = directory / "eval.json", directory / "index.html"
    json_path.write_text(json.dumps(run, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    html_path.write_text(render(run), encoding="utf-8")
    return json_path, html_path


def short_table(run: dict[str, Any]) -> str:
    """What `make eval` prints: each dev set against the targets, then the contract set's
    details as before."""
    lantern, keyword = run["lantern"]["scores"], run["keyword"]["scores"]
    lines = [format_set(record) for record in run.get("dev_sets") or []]
    lines += [
        "== contract English set, in detail (about_other, stage, country):",
        format_table(lantern),
        f"keyword floor: flag micro F1 {keyword['flag_micro']['f1']:.3f}, "
        f"harmless flagged {keyword['harmless_flagged_rate']:.3f}",
    ]
    heldout = run["intents"]["heldout"]
    if "accuracy" in heldout:
        lines.append(
            f"intents (held-out fifth of the training data): accuracy {heldout['accuracy']:.3f},"
            f" macro F1 {heldout['macro_f1']:.3f}"
        )
    core = run["core"]
    if core.get("status") == "ran":
        lines.append(
            f"test stories: {core['stories'] - core['failed']} of {core['stories']} passed"
        )
        lines.extend(f"  failed: {name}" for name in core["failed_stories"])
    else:
        lines.append(f"test stories: {core.get('status')}")
    lines.append(format_comparison(run["comparison"]))
    return "\n".join(lines)


def read_baseline(path: Path = BASELINE) -> dict[str, Any] | None:
    """The accepted baseline, or None when there is none yet."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def accept(report_dir: Path = REPORT_DIR, baseline_path: Path = BASELINE) -> int:
    """Keep the last run as the baseline the next runs are compared with."""
    run_file = report_dir / "eval.json"
    if not run_file.exists():
        print("eval-accept: no run to accept; run `make eval` first", file=sys.stderr)
        return 2
    run = json.loads(run_file.read_text(encoding="utf-8"))
    baseline = baseline_from_run(run, run["generated_at"])
    baseline["sets"] = {
        record["name"]: baseline_entry(record) for record in run.get("dev_sets") or []
    }
    baseline_path.write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"eval-accept: the run of {run['generated_at']} is the baseline ({baseline_path})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line: run (default) or accept."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="run", choices=["run", "accept"])
    args = parser.parse_args(argv)
    if args.command == "accept":
        return accept()
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message="Slot auto-fill has been removed")
    from bot.ops.modelcache import ensure_model

    try:
        sets = load_dev_sets()
    except DevSetError as error:
        print(f"eval: {error}", file=sys.stderr)
        return 2
    by_name = {info.name: items for info, items in sets}
    if "contract" not in by_name:
        print(f"eval: {DEVSET.relative_to(PROJECT_ROOT)} is missing", file=sys.stderr)
        return 2
    model = ensure_model()
    started = time.monotonic()
    texts = [item["text"] for _info, items in sets for item in items]
    parses = iter(asyncio.run(parse_all(model, texts)))
    timings = {"parse_dev_sets": time.monotonic() - started}
    lantern = {
        info.name: [lantern_prediction(item["id"], next(parses)) for item in items]
        for info, items in sets
    }
    keyword = {
        info.name: [{"id": item["id"], **keyword_predict(item["text"])} for item in items]
        for info, items in sets
    }
    started = time.monotonic()
    heldout_intents, heldout_screening = heldout_evaluation()
    timings["heldout_intents"] = time.monotonic() - started
    started = time.monotonic()
    core = core_tests(model)
    timings["test_stories"] = time.monotonic() - started
    baseline = read_baseline()
    run = build_run(
        by_name["contract"],
        lantern["contract"],
        keyword["contract"],
        model.name,
        heldout_intents,
        heldout_screening,
        core,
        baseline,
        datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    add_dev_sets(run, sets, lantern, keyword, baseline)
    run["seconds"] = {phase: round(seconds, 1) for phase, seconds in timings.items()}
    json_path, html_path = write_outputs(run)
    print(short_table(run))
    print("eval: seconds " + ", ".join(f"{k} {v}" for k, v in run["seconds"].items()))
    print(f"eval: written {json_path.relative_to(PROJECT_ROOT)} and "
          f"{html_path.relative_to(PROJECT_ROOT)} (open it in a browser)")  # fmt: skip
    code, message = strict_verdict(run, os.environ)
    print(message)
    return code


def strict_verdict(run: Mapping[str, Any], environ: Mapping[str, str]) -> tuple[int, str]:
    """Exit code and message: 1 only with `STRICT=1` and a guarded figure of some dev set
    fallen below the accepted baseline by more than its noise margin."""
    strict = run.get("strict") or {}
    if not strict.get("has_baseline"):
        return 0, "eval: no accepted baseline for the dev sets; `make eval-accept` keeps this run"
    failures = strict.get("failures") or []
    if not failures:
        return (
            0,
            f"eval: no guarded figure fell beyond its noise (baseline {strict.get('accepted_at')})",
        )
    listed = "\n  ".join(failures)
    if environ.get("STRICT") == "1":
        return 1, f"eval: STRICT=1 and {len(failures)} figures fell beyond their noise:\n  {listed}"
    return (
        0,
        f"eval: {len(failures)} figures fell beyond their noise (STRICT=1 would fail):\n  {listed}",
    )


if __name__ == "__main__":
    sys.exit(main())
