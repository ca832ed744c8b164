"""The held-out dev sets `make eval` scores one by one, and issue 12's targets for each.

`eval/devset.jsonl` is the contract English set (written alongside the training data, so
it overstates); every `eval/dev/*.jsonl` is a set of its own. A file not named here is
still scored, without targets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.contract import FLAG_IDS, STAGES
from bot.settings import PROJECT_ROOT

SEVEN_LANGUAGES = ("vi", "id", "tl", "th", "my", "km", "zh")
# Every item carries the contract's labels; the dev sets of issue 12 add where it came from.
REQUIRED_KEYS = frozenset({"id", "text", "flags", "urgent", "stage", "about_other", "country"})
OPTIONAL_KEYS = frozenset(
    {"home_country", "language", "source", "source_note", "origin", "ad_kind"}
)
AD_KINDS = ("legit", "scam")
ORIGINS = ("quoted", "composed", "paraphrased")
_COUNTRY = re.compile(r"[A-Z]{2}")
_LANGUAGE = re.compile(r"[a-z]{2}")


@dataclass(frozen=True)
class Target:
    """One of issue 12's targets: a figure, its bound, and which side of it is good."""

    figure: str
    bound: float
    at_least: bool
    language: str | None = None

    def met(self, value: float | None) -> bool | None:
        """Whether `value` meets the target (None when there is no value)."""
        if value is None:
            return None
        return value >= self.bound if self.at_least else value <= self.bound

    def describe(self) -> str:
        """ "≥ 0.85" or "≤ 0.05"."""
        return f"{'≥' if self.at_least else '≤'} {self.bound:.2f}"


@dataclass(frozen=True)
class DevSetInfo:
    """What is known about one dev set file."""

    name: str
    relative_path: str
    title: str
    targets: tuple[Target, ...] = ()
    by_language: bool = False

    @property
    def path(self) -> Path:
        return PROJECT_ROOT / self.relative_path


_ENGLISH = (
    Target("flag_micro_f1", 0.85, True),
    Target("harmless_flagged_rate", 0.05, False),
    Target("urgent_recall", 0.95, True),
    Target("urgent_precision", 0.70, True),
)
KNOWN: tuple[DevSetInfo, ...] = (
    DevSetInfo(
        "contract",
        "eval/devset.jsonl",
        "contract English (written with the training data; overstates)",
        _ENGLISH,
    ),
    DevSetInfo(
        "victims",
        "eval/dev/victims.jsonl",
        "victims' and families' own words, quoted by the press and NGOs",
        (Target("flag_micro_f1", 0.75, True),),
    ),
    DevSetInfo(
        "job_ads",
        "eval/dev/job_ads.jsonl",
        "real job ads: scam-compound ads and ordinary legitimate ones",
        (
            Target("legit_ads_flagged_rate", 0.10, False),
            Target("scam_ads_flagged_rate", 0.90, True),
        ),
    ),
    DevSetInfo(
        "multilingual",
        "eval/dev/multilingual.jsonl",
        "messages in the seven languages (and code-mixed English)",
        tuple(
            target
            for language in SEVEN_LANGUAGES
            for target in (
                Target("flag_micro_f1", 0.70, True, language),
                Target("urgent_recall", 0.90, True, language),
            )
        ),
        by_language=True,
    ),
)
# What the figures are, in words.
FIGURE_NAMES = {
    "flag_micro_f1": "flag micro-F1",
    "harmless_flagged_rate": "harmless messages given a flag or urgent",
    "urgent_recall": "urgent recall",
    "urgent_precision": "urgent precision",
    "legit_ads_flagged_rate": "legitimate ads given a flag",
    "scam_ads_flagged_rate": "scam ads given at least one flag",
}


def dev_sets(root: Path = PROJECT_ROOT) -> list[DevSetInfo]:
    """The dev sets that exist under `root`: the known ones first, then any other
    `eval/dev/*.jsonl` (no targets)."""
    known = [info for info in KNOWN if (root / info.relative_path).exists()]
    named = {info.relative_path for info in KNOWN}
    others = [
        DevSetInfo(path.stem, str(path.relative_to(root)), path.stem)
        for path in sorted((root / "eval" / "dev").glob("*.jsonl"))
        if str(path.relative_to(root)) not in named
    ]
    return known + others


class DevSetError(ValueError):
    """A dev set file that cannot be read: which file, which line, why."""


def load_items(path: Path) -> list[dict[str, Any]]:
    """The labelled items of a JSON-lines dev set (blank lines skipped); DevSetError names
    the file and line of anything that is not a JSON object with a text."""
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise DevSetError(f"{path.name}: cannot be read ({error})") from error
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise DevSetError(f"{path.name} line {number}: not JSON ({error.msg})") from error
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise DevSetError(f"{path.name} line {number}: not an object with a text")
        items.append(item)
    return items


def targets_for(info: DevSetInfo, language: str | None = None) -> dict[str, Target]:
    """The set's targets by figure, for the whole set or one language."""
    return {t.figure: t for t in info.targets if t.language == language}


def as_info(record: Mapping[str, Any]) -> DevSetInfo:
    """A DevSetInfo back from its JSON form in a run (name, path, title)."""
    known = {info.name: info for info in KNOWN}
    return known.get(record["name"]) or DevSetInfo(record["name"], record["path"], record["title"])


def label_problems(items: Sequence[Mapping[str, Any]]) -> list[str]:
    """What breaks the contract's labels (or the dev sets' extra keys), one line each."""
    problems: list[str] = []
    ids: set[Any] = set()
    texts: set[str] = set()
    for n, item in enumerate(items, 1):
        say = problems.append
        missing, unknown = REQUIRED_KEYS - set(item), set(item) - REQUIRED_KEYS - OPTIONAL_KEYS
        if missing or unknown:
            say(f"item {n}: missing keys {sorted(missing)}, unknown keys {sorted(unknown)}")
        if item.get("id") in ids:
            say(f"item {n}: duplicate id {item.get('id')}")
        ids.add(item.get("id"))
        text = str(item.get("text") or "").strip().lower()
        if not text:
            say(f"item {n}: empty text")
        elif text in texts:
            say(f"item {n}: duplicate text")
        texts.add(text)
        flags = item.get("flags")
        if (
            not isinstance(flags, list)
            or len(flags) != len(set(flags))
            or not set(flags) <= set(FLAG_IDS)
        ):
            say(f"item {n}: bad flags {flags}")
        if item.get("stage") not in STAGES:
            say(f"item {n}: bad stage {item.get('stage')}")
        for key in ("urgent", "about_other"):
            if not isinstance(item.get(key), bool):
                say(f"item {n}: {key} not true/false")
        for key in ("country", "home_country"):
            value = item.get(key)
            if value is not None and not (isinstance(value, str) and _COUNTRY.fullmatch(value)):
                say(f"item {n}: bad {key} {value}")
        if item.get("stage") == "none" and (flags or item.get("urgent") or item.get("about_other")):
            say(f"item {n}: stage none but flags/urgent/about_other set")
        language = item.get("language")
        if "language" in item and not (isinstance(language, str) and _LANGUAGE.fullmatch(language)):
            say(f"item {n}: bad language {language} (ISO 639-1, two lower-case letters)")
        if "ad_kind" in item and item["ad_kind"] not in AD_KINDS:
            say(f"item {n}: bad ad_kind {item['ad_kind']}")
        if "origin" in item and item["origin"] not in ORIGINS:
            say(f"item {n}: bad origin {item['origin']}")
        for key in ("source", "source_note"):
            if key in item and item[key] is not None and not isinstance(item[key], str):
                say(f"item {n}: {key} not text")
    return problems
