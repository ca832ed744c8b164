"""Training targets of one example, read from the metadata of the NLU YAML files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.contract import FLAG_IDS, STAGES, Stage


@dataclass(frozen=True)
class ScreeningTargets:
    """What an example is labelled with (see docs/labelling-guide.md)."""

    flags: tuple[str, ...] = ()
    urgent: bool = False
    stage: str = Stage.NONE.value
    about_other: bool = False


def targets_from_metadata(metadata: Mapping[str, Any] | None) -> ScreeningTargets:
    """Read targets from Rasa's example metadata `{"intent": {...}, "example": {...}}`.

    The example's own keys win; the intent block's `stage` is the default stage.
    Unknown flag ids or stages raise, so a typo in the data fails training loudly.
    """
    metadata = metadata or {}
    example = metadata.get("example") or {}
    intent = metadata.get("intent") or {}
    flags = tuple(example.get("flags") or ())
    unknown = [flag for flag in flags if flag not in FLAG_IDS]
    if unknown:
        raise ValueError(f"unknown red-flag ids in training data: {unknown}")
    stage = example.get("stage", intent.get("stage", Stage.NONE.value))
    if stage not in STAGES:
        raise ValueError(f"unknown stage in training data: {stage!r}")
    return ScreeningTargets(
        flags=tuple(dict.fromkeys(flags)),
        urgent=bool(example.get("urgent", False)),
        stage=stage,
        about_other=bool(example.get("about_other", False)),
    )
