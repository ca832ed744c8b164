"""Reading the NLU training files with PyYAML alone, as `bot/nlu/dataset.py` reads them
with Rasa: intent blocks, per-example metadata, and the block's default stage.

The staff console uses this in its own environment, where Rasa is not installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SCREENING_INTENTS = ("describe_offer", "describe_situation", "describe_exit", "out_of_scope")
# The default stage of each topic intent (docs/labelling-guide.md), used for a new block.
DEFAULT_STAGES: dict[str, str] = {
    "describe_offer": "prospective",
    "describe_situation": "in_situ",
    "describe_exit": "exited",
    "out_of_scope": "none",
}


@dataclass(frozen=True)
class LabelledText:
    """One example of a training file with its labels."""

    text: str
    intent: str
    flags: tuple[str, ...]
    stage: str
    urgent: bool
    about_other: bool
    source: str


@dataclass(frozen=True)
class IntentBlock:
    """One `- intent:` block of a file: its name, default stage and example format."""

    intent: str
    default_stage: str
    plain: bool  # `examples: |` with "- text" lines (dialogue intents)


def read_file(path: Path) -> tuple[list[IntentBlock], list[LabelledText]]:
    """The intent blocks and the examples of one NLU YAML file."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    blocks, examples = [], []
    for entry in data.get("nlu") or []:
        if not isinstance(entry, dict) or "intent" not in entry:
            continue
        intent = str(entry["intent"])
        default_stage = str((entry.get("metadata") or {}).get("stage", "none"))
        raw = entry.get("examples") or []
        plain = isinstance(raw, str)
        blocks.append(IntentBlock(intent, default_stage, plain))
        if plain:
            for line in raw.splitlines():
                if line.strip().startswith("- "):
                    examples.append(
                        LabelledText(
                            line.strip()[2:].strip(),
                            intent,
                            (),
                            default_stage,
                            False,
                            False,
                            path.name,
                        )  # fmt: skip
                    )
            continue
        for item in raw:
            meta = item.get("metadata") or {}
            examples.append(
                LabelledText(
                    text=str(item["text"]).strip(),
                    intent=intent,
                    flags=tuple(meta.get("flags") or ()),
                    stage=str(meta.get("stage", default_stage)),
                    urgent=bool(meta.get("urgent", False)),
                    about_other=bool(meta.get("about_other", False)),
                    source=path.name,
                )
            )
    return blocks, examples


def read_folder(directory: Path) -> tuple[dict[str, list[IntentBlock]], list[LabelledText]]:
    """Blocks by file name, and every example, of every `*.yml` file in the folder."""
    blocks: dict[str, list[IntentBlock]] = {}
    examples: list[LabelledText] = []
    for path in sorted(directory.glob("*.yml")):
        file_blocks, file_examples = read_file(path)
        blocks[path.name] = file_blocks
        examples += file_examples
    return blocks, examples
