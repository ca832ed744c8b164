"""The screening contract's vocabulary: red-flag ids, stages, risk levels and slots.

This module is the single source of truth in code for the identifiers fixed by
`../shared/spec/screening-contract.md`; a test checks it against that file. The red flags
themselves are listed in `bot/red_flags.yml` (id, group, reason), so that adding a flag
needs no Python (docs/adding-a-flag.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import yaml

RED_FLAGS_FILE = Path(__file__).with_name("red_flags.yml")
_FLAG_ID = re.compile(r"[a-z][a-z0-9_]*")


class FlagGroup(str, Enum):
    """Where in the trafficking path a red flag belongs."""

    RECRUITMENT = "recruitment"
    WORKPLACE = "workplace"


@dataclass(frozen=True)
class RedFlag:
    """One red flag: its stable id, its group and a short reason for staff."""

    id: str
    group: FlagGroup
    reason: str


def load_red_flags(path: Path = RED_FLAGS_FILE) -> tuple[RedFlag, ...]:
    """The red flags of a flags file, in its order; a mistake in the file raises an error
    that says which entry is wrong and how."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("red_flags") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path.name}: needs a `red_flags:` list")
    flags: list[RedFlag] = []
    groups = {group.value for group in FlagGroup}
    for number, entry in enumerate(entries, start=1):
        where = f"{path.name}, red flag {number}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: needs `id`, `group` and `reason`")
        flag_id, group, reason = entry.get("id"), entry.get("group"), entry.get("reason")
        if not isinstance(flag_id, str) or not _FLAG_ID.fullmatch(flag_id):
            raise ValueError(f"{where}: id {flag_id!r} must be lower-case letters and _")
        if group not in groups:
            raise ValueError(f"{where} ({flag_id}): group must be one of {sorted(groups)}")
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"{where} ({flag_id}): needs a short `reason` for staff")
        if any(flag.id == flag_id for flag in flags):
            raise ValueError(f"{where}: id {flag_id} is listed twice")
        flags.append(RedFlag(flag_id, FlagGroup(group), reason.strip()))
    return tuple(flags)


RED_FLAGS: tuple[RedFlag, ...] = load_red_flags()

FLAG_IDS: tuple[str, ...] = tuple(flag.id for flag in RED_FLAGS)
FLAGS_BY_ID: dict[str, RedFlag] = {flag.id: flag for flag in RED_FLAGS}
WORKPLACE_FLAGS: frozenset[str] = frozenset(
    flag.id for flag in RED_FLAGS if flag.group is FlagGroup.WORKPLACE
)


class Stage(str, Enum):
    """The stage of a message or conversation."""

    PROSPECTIVE = "prospective"
    IN_SITU = "in_situ"
    EXITED = "exited"
    NONE = "none"


class RiskLevel(str, Enum):
    """The risk level of a conversation, from lowest to highest."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


STAGES: tuple[str, ...] = tuple(stage.value for stage in Stage)
RISK_LEVELS: tuple[str, ...] = tuple(level.value for level in RiskLevel)

URGENT_REASON = "Immediate danger reported (urgent)"
IN_SITU_REASON = "The person is held at the workplace now (in_situ)"

SLOT_NAMES: tuple[str, ...] = (
    "red_flags",
    "risk_level",
    "risk_reasons",
    "stage",
    "urgent",
    "about_other",
    "country",
    "home_country",
    "language",
)
