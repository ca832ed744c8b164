"""The NLU training examples with their screening targets, read with Rasa's own reader."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.nlu.targets import ScreeningTargets, targets_from_metadata
from bot.settings import PROJECT_ROOT

NLU_DIR = PROJECT_ROOT / "data" / "nlu"


@dataclass(frozen=True)
class Example:
    """One training example."""

    text: str
    intent: str
    targets: ScreeningTargets
    source: str


def load_examples(directory: Path = NLU_DIR) -> list[Example]:
    """Every intent example of every YAML file in the folder, in file order."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    examples = []
    for path in sorted(directory.glob("*.yml")):
        data = RasaYAMLReader().read(path)
        for message in data.intent_examples:
            examples.append(
                Example(
                    text=message.get("text"),
                    intent=message.get("intent"),
                    targets=targets_from_metadata(message.get("metadata")),
                    source=path.name,
                )
            )
    return examples
