"""The words of the screening answers, from responses/screening.yml (never Python strings)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT

RESPONSES_FILE = PROJECT_ROOT / "responses" / "screening.yml"


class Messages:
    """Response texts by name, in the shape of a Rasa domain's `responses`."""

    def __init__(self, responses: Mapping[str, list[Mapping[str, str]]]) -> None:
        self._texts = {name: variations[0]["text"] for name, variations in responses.items()}

    @classmethod
    def from_file(cls, path: Path = RESPONSES_FILE) -> Messages:
        """Load a responses file."""
        return cls(yaml.safe_load(path.read_text(encoding="utf-8"))["responses"])

    def names(self) -> set[str]:
        """Every response name in the file."""
        return set(self._texts)

    def text(self, name: str) -> str:
        """The text of a response; KeyError names the missing response."""
        return self._texts[name]


@lru_cache(maxsize=1)
def screening_messages() -> Messages:
    """The project's screening responses, loaded once."""
    return Messages.from_file()
