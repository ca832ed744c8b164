"""What is checked before Lantern serves anyone: the referral directory, the responses and
the model's screening part.

Each of them is otherwise read only when it is first needed: a malformed referral entry
made every turn fail while /health stayed green, and a model whose screening part could
not be read flagged nothing. Here a problem stops the start with a message that names it
(`make run` prints it; `Stack.start` raises it), and nothing is served.
"""

from __future__ import annotations

import json
import string
import tarfile
import tempfile
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT

SCREENING_COMPONENT = "ScreeningClassifier"


class StartupCheckFailed(RuntimeError):
    """Something Lantern needs is broken; the message names every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "Lantern cannot start:\n" + "\n".join(f"  - {problem}" for problem in problems)
        )


def directory_problems(folder: Path | None = None) -> list[str]:
    """The referral directory's first problem, if it cannot be loaded."""
    from bot.referrals.loader import REFERRALS_DIR, DirectoryError, load_directory

    try:
        load_directory(folder or REFERRALS_DIR)
    except DirectoryError as error:
        return [f"referral directory: {error}"]
    return []


def response_problems(root: Path = PROJECT_ROOT) -> list[str]:
    """Responses that cannot be loaded, that the code needs but nobody wrote (the safe reply
    of a failed turn among them), or that use a placeholder the bot never fills."""
    from bot.evaluation.response_checks import bot_code_files, check_responses
    from bot.screening.messages import Messages
    from bot.screening.render import PLACEHOLDERS

    files = sorted((root / "responses").glob("*.yml"))
    try:
        messages = Messages.from_files(*files)
    except (OSError, yaml.YAMLError, ValueError, KeyError, TypeError, IndexError) as error:
        return [f"responses: cannot be read: {type(error).__name__}: {error}"]
    problems = []
    for name in sorted(messages.names()):
        try:
            fields = {field for _, field, _, _ in string.Formatter().parse(messages.text(name))}
        except (KeyError, TypeError, ValueError) as error:
            problems.append(f"responses: {name}: {type(error).__name__}: {error}")
            continue
        unknown = sorted(field for field in fields - {None} if field not in PLACEHOLDERS)
        if unknown:
            problems.append(f"responses: {name} uses unknown placeholder(s) {unknown}")
    report = check_responses(
        root / "domain.yml", files, sorted((root / "data").glob("*.yml")), bot_code_files(root)
    )
    problems.extend(f"responses: missing {name}" for name in report.missing)
    return problems


def model_problems(model: Path) -> list[str]:
    """Whether the model archive's screening part can be read (without starting Rasa)."""
    from bot.nlu.multilabel import ScreeningModel

    try:
        with tarfile.open(model, "r:gz") as archive:
            names = {member.name.removeprefix("./"): member for member in archive.getmembers()}
            metadata = json.loads(archive.extractfile(names["metadata.json"]).read())  # type: ignore[union-attr]
            resource = screening_resource(metadata)
            if resource is None:
                return [f"model {model.name}: it has no {SCREENING_COMPONENT}"]
            prefix = f"components/{resource}/"
            with tempfile.TemporaryDirectory() as folder:
                for name, member in names.items():
                    if name.startswith(prefix) and member.isfile():
                        target = Path(folder) / name[len(prefix) :]
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(archive.extractfile(member).read())  # type: ignore[union-attr]
                ScreeningModel.load(Path(folder))
                (Path(folder) / "origins.txt").read_text(encoding="utf-8")
    except Exception as error:  # any failure to read it is the problem to report
        return [
            f"model {model.name}: its screening part cannot be read "
            f"({type(error).__name__}: {error}); train again with `make train`"
        ]
    return []


def screening_resource(metadata: dict) -> str | None:
    """The resource name of the screening component in a model's metadata."""
    for schema in ("predict_schema", "train_schema"):
        nodes = (metadata.get(schema) or {}).get("nodes") or {}
        for node in nodes.values():
            uses = str(node.get("uses", ""))
            resource = node.get("resource") or {}
            if uses.endswith(SCREENING_COMPONENT) and resource.get("name"):
                return str(resource["name"])
    return None


def check_service(model: Path | None = None, root: Path = PROJECT_ROOT) -> None:
    """Raise StartupCheckFailed naming every problem of the directory, the responses and
    (when given) the model."""
    problems = directory_problems(root / "data" / "referrals") + response_problems(root)
    if model is not None:
        problems += model_problems(model)
    if problems:
        raise StartupCheckFailed(problems)
