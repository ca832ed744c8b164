"""Writing messages a trainer confirmed into the NLU training files, in the file of their
topic, in the format the project uses, without exact or near duplicates.

Which file is a topic's (the existing files are split this way):

| the example | file |
| --- | --- |
| a dialogue intent (`greet`, `stop`, ...) | the file holding its block, else `dialogue.yml` |
| `out_of_scope`, or `describe_offer` with no flag and not urgent | `harmless.yml` |
| `describe_exit` | `exit_and_family.yml` |
| `describe_offer`, `describe_situation` about another (`about_other`) | `exit_and_family.yml` |
| `describe_offer` with more travel flags than offer flags | `offer_travel.yml` |
| any other `describe_offer` | `offer_recruitment.yml` |
| `describe_situation` with more control flags than abuse flags | `workplace_control.yml` |
| any other `describe_situation` | `workplace_abuse.yml` |

Travel flags: `employer_paid_travel`, `irregular_travel`, `destination_changed`,
`high_risk_destination`; control flags: `documents_confiscated`, `phone_confiscated`,
`movement_restricted`, `debt_or_ransom`, `wages_withheld`. A flag added to the contract
later counts as an offer flag (recruitment group) or an abuse flag (workplace group).

Each example is appended at the end of its intent's block in that file (a new block at the
end of the file when there is none), so the rest of the file, comments included, stays as
it was. A message is skipped, with the reason, when it is empty or too long, its labels
break the labelling guide (unknown flag or stage, flags on a dialogue intent or on stage
`none`, an intent the training data does not have), or it duplicates an existing example or
one earlier in the same export (`bot.evaluation.data_checks.near_duplicate_of`: normalised
texts with a rapidfuzz ratio of 95 or more). Every file written is read back and checked
before it replaces the old one.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.contract import FLAG_IDS, STAGES
from bot.evaluation.data_checks import near_duplicate_of
from bot.places.gazetteer import normalise
from bot.training.nlu_yaml import (
    DEFAULT_STAGES,
    SCREENING_INTENTS,
    IntentBlock,
    LabelledText,
    read_file,
    read_folder,
)

MAX_TEXT_CHARS = 5000
TRAVEL_FLAGS = frozenset(
    {"employer_paid_travel", "irregular_travel", "destination_changed", "high_risk_destination"}
)
CONTROL_FLAGS = frozenset(
    {
        "documents_confiscated",
        "phone_confiscated",
        "movement_restricted",
        "debt_or_ransom",
        "wages_withheld",
    }
)
FLAGGED_INTENTS = ("describe_offer", "describe_situation", "describe_exit")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Rasa reads "[text](entity)", "[text]{...}" and "[text][...]" as entity annotations.
_ENTITY_SYNTAX = re.compile(r"\](?=[(\[{])")
_NEW_FILE = 'version: "3.1"\nnlu:\n'


@dataclass(frozen=True)
class ConfirmedExample:
    """A message with the labels a trainer confirmed (its text already redacted)."""

    text: str
    intent: str
    flags: tuple[str, ...] = ()
    stage: str | None = None  # None: the intent's default stage
    urgent: bool = False
    about_other: bool = False


@dataclass(frozen=True)
class Written:
    """An example added to a training file."""

    text: str
    intent: str
    file: str


@dataclass(frozen=True)
class Skipped:
    """An example not exported, and why (for the trainer)."""

    text: str
    reason: str


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote and what it left out."""

    written: tuple[Written, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    files: tuple[str, ...] = field(default=())


def topic_file(example: ConfirmedExample, intent_files: Mapping[str, str] | None = None) -> str:
    """The training file an example belongs in (table in the module docstring).

    A dialogue intent goes to the file that already holds its block (`intent_files`),
    else to `dialogue.yml`.
    """
    if example.intent not in SCREENING_INTENTS:
        return (intent_files or {}).get(example.intent, "dialogue.yml")
    if example.intent == "out_of_scope" or (
        example.intent == "describe_offer" and not example.flags and not example.urgent
    ):
        return "harmless.yml"
    if example.intent == "describe_exit" or example.about_other:
        return "exit_and_family.yml"
    if example.intent == "describe_offer":
        travel = sum(flag in TRAVEL_FLAGS for flag in example.flags)
        return (
            "offer_travel.yml" if travel > len(example.flags) - travel else "offer_recruitment.yml"
        )
    control = sum(flag in CONTROL_FLAGS for flag in example.flags)
    return (
        "workplace_control.yml" if control > len(example.flags) - control else "workplace_abuse.yml"
    )


def export_confirmed(examples: Iterable[ConfirmedExample], data_dir: Path) -> ExportResult:
    """Append the confirmed examples to the NLU files under `data_dir` (data/nlu)."""
    blocks, existing = read_folder(data_dir)
    intent_files: dict[str, str] = {}
    for name, file_blocks in blocks.items():
        for block in file_blocks:
            intent_files.setdefault(block.intent, name)
    known_intents = set(intent_files) | set(SCREENING_INTENTS)
    seen_texts = [normalise(e.text) for e in existing]
    seen_labels = existing[:]
    by_file: dict[str, list[ConfirmedExample]] = {}
    written: list[Written] = []
    skipped: list[Skipped] = []
    for raw in examples:
        example, problem = _checked(raw, known_intents)
        if problem:
            skipped.append(Skipped(str(getattr(raw, "text", "")), problem))
            continue
        duplicate = near_duplicate_of(example.text, seen_texts)
        if duplicate:
            other = seen_labels[duplicate[0]]
            where = f" in {other.source}" if other.source else " in this export"
            skipped.append(
                Skipped(example.text, f"duplicates{where} ({duplicate[1]:.0f}%): {other.text}")
            )
            continue
        seen_texts.append(normalise(example.text))
        seen_labels.append(_as_labelled(example, ""))
        name = topic_file(example, intent_files)
        by_file.setdefault(name, []).append(example)
        written.append(Written(example.text, example.intent, name))
    for name, file_examples in by_file.items():
        _append_to_file(data_dir / name, file_examples)
    return ExportResult(tuple(written), tuple(skipped), tuple(sorted(by_file)))


def _checked(
    example: ConfirmedExample, known_intents: set[str]
) -> tuple[ConfirmedExample, str | None]:
    """The example cleaned, or the reason it cannot be exported."""
    if not isinstance(getattr(example, "text", None), str):
        return example, "the text is missing"
    text = clean_text(example.text)
    if not text:
        return example, "the text is empty"
    if len(text) > MAX_TEXT_CHARS:
        return example, f"the text is longer than {MAX_TEXT_CHARS} characters"
    intent = str(example.intent or "")
    if intent not in known_intents:
        return example, f"intent {intent!r} is not in the training data"
    flags = tuple(dict.fromkeys(example.flags or ()))
    unknown = [flag for flag in flags if flag not in FLAG_IDS]
    if unknown:
        return example, f"unknown red flags {unknown}"
    stage = example.stage or DEFAULT_STAGES.get(intent, "none")
    if stage not in STAGES:
        return example, f"unknown stage {stage!r}"
    if intent not in SCREENING_INTENTS and (flags or example.urgent or example.about_other):
        return example, f"dialogue intent {intent!r} carries no flags, urgency or subject"
    if flags and (intent not in FLAGGED_INTENTS or stage == "none"):
        return example, "red flags need a describe_* intent and a trafficking stage"
    if intent not in SCREENING_INTENTS:
        text = " ".join(text.split())  # dialogue examples are one line each
    return (
        ConfirmedExample(
            text, intent, flags, stage, bool(example.urgent), bool(example.about_other)
        ),
        None,
    )


def clean_text(text: str) -> str:
    """One example's text as the files hold it: printable, each line trimmed, no blank
    lines, and no bracket pairs Rasa would read as entity annotations."""
    text = _ENTITY_SYNTAX.sub("] ", _UNPRINTABLE.sub(" ", text))
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _as_labelled(example: ConfirmedExample, source: str) -> LabelledText:
    return LabelledText(
        example.text,
        example.intent,
        example.flags,
        example.stage or "none",
        example.urgent,
        example.about_other,
        source,
    )


def _append_to_file(path: Path, examples: list[ConfirmedExample]) -> None:
    """Add the examples to their intent blocks, check the result, replace the file."""
    content = path.read_text(encoding="utf-8") if path.exists() else ""
    if not re.search(r"^nlu:", content, re.MULTILINE):
        content = content.rstrip("\n") + ("\n" if content.strip() else "") + _NEW_FILE
    file_blocks, before = read_file(path) if path.exists() else ([], [])
    blocks = {b.intent: b for b in file_blocks}
    for intent in dict.fromkeys(e.intent for e in examples):
        block = blocks.get(intent) or IntentBlock(
            intent, DEFAULT_STAGES.get(intent, "none"), intent not in SCREENING_INTENTS
        )
        entries = [_entry(e, block) for e in examples if e.intent == intent]
        content = _insert(content, block, entries, new_block=intent not in blocks)
    _write_checked(path, content, before, examples)


def _entry(example: ConfirmedExample, block: IntentBlock) -> list[str]:
    """The lines of one example, indented as in the project's files (relative)."""
    if block.plain:
        return [f"- {' '.join(example.text.split())}"]
    lines = ["- text: |"] + [f"    {line}" for line in example.text.splitlines()]
    meta = []
    if example.flags:
        meta.append(f"flags: [{', '.join(example.flags)}]")
    if example.stage and example.stage != block.default_stage:
        meta.append(f"stage: {example.stage}")
    if example.urgent:
        meta.append("urgent: true")
    if example.about_other:
        meta.append("about_other: true")
    if meta:
        lines += ["  metadata:"] + [f"    {item}" for item in meta]
    return lines


def _insert(content: str, block: IntentBlock, entries: list[list[str]], new_block: bool) -> str:
    """The file content with the entries at the end of the intent's block."""
    lines = content.splitlines()
    if new_block:
        if lines and lines[-1].strip():
            lines.append("")
        lines.append(f"- intent: {block.intent}")
        if block.plain:
            lines += ["  examples: |"] + [f"    {line}" for e in entries for line in e]
        else:
            if block.intent in DEFAULT_STAGES:
                lines += ["  metadata:", f"    stage: {block.default_stage}"]
            lines += ["  examples:"] + [f"  {line}" for e in entries for line in e]
        return "\n".join(lines) + "\n"
    start = next(i for i, line in enumerate(lines) if _is_block_start(line, block.intent))
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i][:1] not in ("", " ", "\t")),
        len(lines),
    )
    last = max(i for i in range(start, end) if lines[i].strip() and not lines[i].startswith("#"))
    indent = _item_indent(lines[start + 1 : last + 1], default=4 if block.plain else 2)
    new = [" " * indent + line for e in entries for line in e]
    return "\n".join(lines[: last + 1] + new + lines[last + 1 :]) + "\n"


def _is_block_start(line: str, intent: str) -> bool:
    return (
        re.fullmatch(rf"-\s+intent:\s*['\"]?{re.escape(intent)}['\"]?\s*(#.*)?", line) is not None
    )


def _item_indent(block_lines: list[str], default: int) -> int:
    """Indentation of the block's list items ("  - text: |" or "    - hi")."""
    for line in block_lines:
        stripped = line.lstrip(" ")
        if stripped.startswith("- "):
            return len(line) - len(stripped)
    return default


def _write_checked(
    path: Path, content: str, before: list[LabelledText], examples: list[ConfirmedExample]
) -> None:
    """Write atomically after checking that the file reads back as the old examples plus
    exactly the new ones, with their labels."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".export-", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
        after = Counter(map(_labels, read_file(temp)[1]))
        expected = Counter(map(_labels, before)) + Counter(
            _labels(_as_labelled(e, "")) for e in examples
        )
        if after != expected:
            raise RuntimeError(f"export to {path.name} did not read back as written")
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _labels(example: LabelledText) -> tuple:
    flags = tuple(sorted(example.flags))
    return (example.text, example.intent, flags, example.stage, example.urgent, example.about_other)
