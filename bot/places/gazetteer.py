"""The gazetteer of countries, scam hubs and cities, and how its names are found in text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

GAZETTEER_FILE = Path(__file__).with_name("gazetteer.yml")
FUZZY_MIN_LENGTH = 6
FUZZY_CUTOFF = 87.0
MAX_SCANNED_CHARS = 20_000

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalise(text: str) -> str:
    """Lower-case text with every run of punctuation or space turned into one space."""
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


@dataclass(frozen=True)
class Alias:
    """One spelling of a place, with what it refers to."""

    text: str
    code: str
    high_risk: bool
    is_demonym: bool


@dataclass(frozen=True)
class Mention:
    """A place named in a normalised message, with its character span."""

    code: str
    start: int
    end: int
    high_risk: bool
    is_demonym: bool


class Gazetteer:
    """Finds the countries, hubs and demonyms a message names, misspellings included."""

    def __init__(self, aliases: list[Alias]) -> None:
        self._by_text = {alias.text: alias for alias in aliases}
        spaced = sorted((a.text for a in aliases if a.text.isascii()), key=len, reverse=True)
        self._word_pattern = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(t) for t in spaced) + r")(?!\w)"
        )
        self._script_aliases = [a.text for a in aliases if not a.text.isascii()]
        self._fuzzy_choices = [t for t in spaced if len(t) >= FUZZY_MIN_LENGTH]

    @classmethod
    def from_file(cls, path: Path = GAZETTEER_FILE) -> Gazetteer:
        """Load the gazetteer YAML."""
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        aliases: dict[str, Alias] = {}
        for code, entry in data["countries"].items():
            risky = bool(entry.get("high_risk"))
            for name in entry.get("names", []):
                aliases.setdefault(normalise(name), Alias(normalise(name), code, risky, False))
            for name in entry.get("demonyms", []):
                aliases.setdefault(normalise(name), Alias(normalise(name), code, False, True))
        for place in data["places"]:
            risky = bool(place.get("high_risk"))
            for name in place["aliases"]:
                aliases.setdefault(
                    normalise(name), Alias(normalise(name), place["country"], risky, False)
                )
        return cls(list(aliases.values()))

    def mentions(self, normalised_text: str) -> list[Mention]:
        """Every place named in the text, in order, exact spellings before fuzzy ones."""
        text = normalised_text[:MAX_SCANNED_CHARS]
        found = [
            self._mention(m.group(1), m.start(1), m.end(1))
            for m in self._word_pattern.finditer(text)
        ]
        for alias in self._script_aliases:
            start = text.find(alias)
            if start >= 0:
                found.append(self._mention(alias, start, start + len(alias)))
        found.extend(self._fuzzy_mentions(text, found))
        return sorted(found, key=lambda mention: mention.start)

    def _mention(self, alias_text: str, start: int, end: int) -> Mention:
        alias = self._by_text[alias_text]
        return Mention(alias.code, start, end, alias.high_risk, alias.is_demonym)

    def _fuzzy_mentions(self, text: str, exact: list[Mention]) -> list[Mention]:
        """Misspelled names: words and word pairs close to a long alias."""
        covered = [(m.start, m.end) for m in exact]
        words = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\w+", text)]
        candidates = words + [(f"{a[0]} {b[0]}", a[1], b[2]) for a, b in zip(words, words[1:])]
        found: list[Mention] = []
        best_for: dict[str, tuple[str, float] | None] = {}
        for phrase, start, end in candidates:
            if len(phrase) < FUZZY_MIN_LENGTH or not phrase.isascii():
                continue
            if any(s < end and start < e for s, e in covered):
                continue
            if phrase not in best_for:
                match = process.extractOne(
                    phrase, self._fuzzy_choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
                )
                best_for[phrase] = (match[0], match[1]) if match else None
            match = best_for[phrase]
            if match:
                found.append(self._mention(match[0], start, end))
                covered.append((start, end))
        return found


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The project's gazetteer, loaded once."""
    return Gazetteer.from_file()


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    data = yaml.safe_load(GAZETTEER_FILE.read_text(encoding="utf-8"))
    return {code: entry["name"] for code, entry in data["countries"].items()}


def country_name(code: str, start: bool = False) -> str:
    """The name people know for a country code ("US" -> "the United States"), or the code
    when the gazetteer has no such country; `start` capitalises it to begin a line."""
    name = _country_names().get(code, code)
    return name[:1].upper() + name[1:] if start else name
