"""The words of the bot's answers, from the files in responses/ (never Python strings)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

RESPONSES_DIR = PROJECT_ROOT / "responses"
# The fixed reply of a turn that failed: something went wrong, the emergency advice, and
# that the person can write again. Said by the action server's safety net
# (actions/safety_net.py) and by Rasa when the action server cannot answer
# (bot/ops/safe_reply.py); the responses are checked when the service starts.
SAFE_REPLY = "screen_technical_problem"


class Messages:
    """Responses by name, in the shape of a Rasa domain's `responses` (first variation)."""

    def __init__(self, responses: Mapping[str, list[Mapping[str, Any]]]) -> None:
        self._responses = {name: dict(variations[0]) for name, variations in responses.items()}

    @classmethod
    def from_files(cls, *paths: Path) -> Messages:
        """Load responses files; a name defined twice is an error."""
        merged: dict[str, list[Mapping[str, Any]]] = {}
        for path in paths:
            for name, variations in yaml.safe_load(path.read_text(encoding="utf-8"))[
                "responses"
            ].items():
                if name in merged:
                    raise ValueError(f"response {name!r} is defined twice ({path.name})")
                merged[name] = variations
        return cls(merged)

    @classmethod
    def from_folder(cls, folder: Path = RESPONSES_DIR) -> Messages:
        """Every responses file in a folder."""
        return cls.from_files(*sorted(folder.glob("*.yml")))

    def names(self) -> set[str]:
        """Every response name."""
        return set(self._responses)

    def text(self, name: str) -> str:
        """The text of a response; KeyError names the missing response."""
        return self._responses[name]["text"]

    def buttons(self, name: str) -> list[dict[str, str]]:
        """The buttons of a response (title and payload), or an empty list."""
        return [dict(button) for button in self._responses[name].get("buttons", [])]


@lru_cache(maxsize=1)
def screening_messages() -> Messages:
    """The project's responses, loaded once."""
    return Messages.from_folder()
