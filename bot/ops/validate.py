"""`make validate`: `rasa data validate --fail-on-warnings`, then the project's own checks
of the training data and responses. Exits 1 when any check fails; prints what to fix.

Our checks (bot/evaluation/data_checks.py, bot/evaluation/response_checks.py):
- every red flag has its minimum of examples (40), with 150 examples of 2+ flags and 300
  harmless screening examples;
- no example is labelled against itself (flags on a dialogue intent or on stage `none`);
- no two examples are exact or near duplicates (normalised texts, rapidfuzz ratio >= 95),
  and no duplicate pair carries conflicting labels;
- no held-out message of any dev set (eval/devset.jsonl, eval/dev/*.jsonl) stands in the
  training data, exactly or nearly (bot/evaluation/overlap.py: a word changed, words
  reordered, a clause added or dropped; short harmless greetings and thanks are allowed);
- every response is used, and every response the code or a rule names exists.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.evaluation.data_checks import (
    NEAR_DUPLICATE_RATIO,
    below_minimums,
    duplicate_pairs,
    inconsistent_labels,
    label_conflicts,
    labels_of,
    summarise,
)
from bot.evaluation.devsets import DevSetError, dev_sets, load_items
from bot.evaluation.overlap import find_overlaps
from bot.evaluation.response_checks import bot_code_files, check_responses
from bot.settings import PROJECT_ROOT

SHOWN = 10


def rasa_validate(root: Path = PROJECT_ROOT) -> list[str]:
    """Rasa's own validation; its errors and warnings as problems."""
    from bot.ops.modelcache import rasa_env, rasa_executable

    done = subprocess.run(
        [rasa_executable(), "data", "validate", "--fail-on-warnings"],
        cwd=root,
        env=rasa_env(),
        capture_output=True,
        text=True,
    )
    if done.returncode == 0:
        return []
    output = (done.stdout + done.stderr).splitlines()
    shown = [line for line in output if "UserWarning" in line or "rror" in line] or output[-15:]
    return shown or [f"rasa data validate exited {done.returncode}"]


def data_problems(root: Path = PROJECT_ROOT) -> dict[str, list[str]]:
    """The project's own checks of data/nlu, by check name."""
    from bot.nlu.dataset import load_examples

    examples = load_examples(root / "data" / "nlu")
    pairs = duplicate_pairs(examples)
    conflicts = label_conflicts(pairs)
    conflicting = {(id(a), id(b)) for a, b, _ in conflicts}
    checks = {
        "minimum examples": below_minimums(summarise(examples)),
        "labels that contradict each other": [
            f"{e.source}: {reason}: {_short(e.text)}" for e, reason in inconsistent_labels(examples)
        ],
        "the same message under conflicting labels": [
            f"{a.source} {labels_of(a)} vs {b.source} {labels_of(b)}: {_short(a.text)}"
            for a, b, _ in conflicts
        ],
        f"exact or near duplicates (ratio >= {NEAR_DUPLICATE_RATIO:.0f})": [
            f"{a.source} / {b.source} ({ratio:.0f}): {_short(a.text)} | {_short(b.text)}"
            for a, b, ratio in pairs
            if (id(a), id(b)) not in conflicting
        ],
    }
    checks.update(dev_set_overlaps(examples, root))
    return checks


def dev_set_overlaps(examples: list, root: Path = PROJECT_ROOT) -> dict[str, list[str]]:
    """Per dev set: its messages that stand, exactly or nearly, in the training data."""
    checks = {}
    for info in dev_sets(root):
        name = f"held-out messages copied in the training data ({info.relative_path})"
        try:
            items = load_items(root / info.relative_path)
        except DevSetError as error:
            checks[name] = [f"cannot check: {error}"]
            continue
        checks[name] = [
            f"{found.dev_id} {found.kind} ({found.score:.0f}): {_short(found.dev_text)} | "
            f"{found.training_source}: {_short(found.training_text)}"
            for found in find_overlaps(items, examples)
        ]
    return checks


def response_problems(root: Path = PROJECT_ROOT) -> dict[str, list[str]]:
    """Unused and missing responses."""
    report = check_responses(
        root / "domain.yml",
        sorted((root / "responses").glob("*.yml")),
        sorted((root / "data").glob("*.yml")),
        bot_code_files(root),
    )
    return {"unused responses": report.unused, "missing responses": report.missing}


def _short(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def report(checks: dict[str, list[str]]) -> tuple[bool, str]:
    """All checks passed?, and the printed report."""
    lines, ok = [], True
    for name, problems in checks.items():
        if not problems:
            lines.append(f"ok    {name}")
            continue
        ok = False
        lines.append(f"FAIL  {name}: {len(problems)}")
        lines.extend(f"        {problem}" for problem in problems[:SHOWN])
        if len(problems) > SHOWN:
            lines.append(f"        ... and {len(problems) - SHOWN} more")
    return ok, "\n".join(lines)


def main() -> int:
    """Run every check; exit 1 if any failed."""
    checks = {"rasa data validate --fail-on-warnings": rasa_validate()}
    checks.update(data_problems())
    checks.update(response_problems())
    ok, text = report(checks)
    print(text)
    print("validate: all checks passed" if ok else "validate: some checks failed (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
